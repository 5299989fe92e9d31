import type { RecordRef } from '../domain/crmRecord.js';
import type { Customer } from '../domain/customer.js';
import { AppError, stale } from '../domain/errors.js';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import type { InteractionForCard } from '../store/interactionsRepository.js';
import type { Repositories } from '../store/unitOfWork.js';

/**
 * The one refusal for an interaction id that is not the caller's: the same words, code and work whether the
 * id is another agent's or does not exist, so that a refusal never tells a prober which ids are real.
 */
export const NOT_YOURS = 'That card is not one of your interactions (or it does not exist). You can see and act only on your own.';
/** The one refusal for a customer card that cannot be merged, whether it exists or not (see `mergeableCustomer`). */
export const NOT_MERGEABLE = "That customer card does not exist any more (merged already?), or it is in another agent's open interaction, which only they may change.";
/** The one refusal for a record that is not on the interaction's card, wherever else it may be. */
export const NOT_ON_CARD = "That record is not on this interaction's card, so it cannot be used from here. Search for it first.";

const notYours = () => new AppError('not_found', NOT_YOURS);
/** Ids are UUIDs (randomUUID): anything else is refused before any lookup, as not anyone's. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who reads an interaction's card, and as what: its owner, or a supervisor (read-only). */
export type ReadAccess = 'owner' | 'supervisor';

/**
 * Authorization by ownership, in one place: an interaction, its customer and the records on its card are
 * the agent's who handles it. Every method of the interaction services that takes an interaction id from
 * a caller starts here, so none can forget the rule:
 * - the owner may read their card and, while it is open, act on it;
 * - a supervisor (SUPERVISOR_IDS) may read any card, read-only: its data, no action;
 * - anyone else is refused with NOT_YOURS, exactly as for an id that does not exist.
 */
export class Ownership {
  constructor(private readonly repos: Repositories) {}

  /** The agent's interaction with the outcome its card shows; else the one refusal. */
  async owned(agentId: string, interactionId: string): Promise<InteractionForCard> {
    const found = UUID.test(interactionId) ? await this.repos.interactions.findOf(agentId, interactionId) : undefined;
    if (!found) throw notYours();
    return found;
  }

  /** The agent's interaction, still open (not completed): what every change needs. */
  async ownedOpen(agentId: string, interactionId: string): Promise<Interaction> {
    const { interaction } = await this.owned(agentId, interactionId);
    if (interaction.state === 'completed') throw stale('This interaction is completed; its card is read-only and nothing was changed.');
    return interaction;
  }

  /**
   * An interaction to read: the owner's own, or any for a supervisor. A supervisor's lookup is by id alone
   * (they may know which ids exist); anyone else's is the owner's lookup, refused like a missing id.
   */
  async readable(agentId: string, interactionId: string, asSupervisor: boolean): Promise<InteractionForCard & { access: ReadAccess }> {
    if (!asSupervisor) return { ...(await this.owned(agentId, interactionId)), access: 'owner' };
    const found = UUID.test(interactionId) ? await this.repos.interactions.findWithNotice(interactionId) : undefined;
    if (!found) throw notYours();
    return { ...found, access: found.interaction.agentId === agentId ? 'owner' : 'supervisor' };
  }

  /** A record on the card of an interaction already checked to be the caller's; else the one refusal. */
  async onCard(interaction: Interaction, ref: RecordRef): Promise<InteractionRecordLink> {
    const link = await this.repos.interactions.findLink(interaction.id, ref);
    if (!link) throw new AppError('forbidden', NOT_ON_CARD);
    return link;
  }

  /**
   * The customer card an agent may merge into their open interaction's customer: another card that exists
   * and that nobody is handling now (no open interaction, which would be another agent's: the agent's only
   * open interaction is this one, whose customer is a different card). A card of completed interactions
   * only, anyone's, may be merged: a caller's card belongs to the contact center, and the same phone number
   * brings it to whichever agent answers; an open interaction is the one thing only its agent may change.
   * Checked again inside the merge's transaction (`repos`).
   */
  async mergeableCustomer(interaction: Interaction, otherCustomerId: string, repos: Repositories = this.repos): Promise<Customer> {
    const other = UUID.test(otherCustomerId) && otherCustomerId !== interaction.customerId ? await repos.customers.findNotInOpenInteraction(otherCustomerId) : undefined;
    if (!other) throw new AppError('not_found', NOT_MERGEABLE);
    return other;
  }
}
