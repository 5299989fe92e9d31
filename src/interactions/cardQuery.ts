import type { RecordRef } from '../domain/crmRecord.js';
import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import { notFound } from '../domain/errors.js';
import type { Interaction } from '../domain/interaction.js';
import type { RecordDetails } from '../domain/recordDetails.js';
import type { InteractionForCard } from '../store/interactionsRepository.js';
import type { HeldChange } from './cardChanges.js';
import type { ReadAccess } from './ownership.js';
import { detailsSubjectOf, recordDetails } from './recordDetailsQuery.js';
import { lookupDetails } from './searchLookups.js';
import type { ServiceContext } from './serviceContext.js';

/**
 * Reading cards: an interaction's card and its records' Details, for its owner (or a supervisor, read-only),
 * through Ownership first; and the two small things kept beside a card (its Teams message, a late outcome).
 * The drawing itself is cardDrawing.ts.
 */
export class CardQuery {
  constructor(private readonly context: ServiceContext) {}

  /**
   * The current card of an interaction the agent owns. `held`: a change of it just made by its owner (CardChanges.done)
   * holds it as stored now: drawn from that, with no read of the interaction or (when held) its agent.
   */
  async view(agentId: string, interactionId: string, notice?: Notice, held?: HeldChange): Promise<CustomerCardView> {
    if (held && held.interaction.id === interactionId && held.interaction.agentId === agentId) {
      return this.context.draw(held.interaction, notice ?? held.notice, undefined, { agent: held.agent, links: held.links });
    }
    const found = await this.context.ownership.owned(agentId, interactionId);
    return this.context.draw(found.interaction, notice ?? found.lastNotice, undefined, { agent: found.owner });
  }

  /**
   * The card an agent may read: their own, or, for a supervisor, anyone's (to be shown read-only); anyone
   * else is refused as for an id that does not exist.
   */
  async readableView(agentId: string, interactionId: string, asSupervisor: boolean): Promise<{ view: CustomerCardView; access: ReadAccess }> {
    const found = await this.context.ownership.readable(agentId, interactionId, asSupervisor);
    return { view: await this.context.draw(found.interaction, found.lastNotice, undefined, { agent: found.owner }), access: found.access };
  }

  /**
   * The current card of any interaction, for the app's own drawing of the card message in its owner's chat
   * (the CardPublisher). Never for a caller's request: those go through `view` or `readableView`.
   */
  async currentView(interactionId: string, notice?: Notice, duplicateQuery?: string, read?: InteractionForCard): Promise<CustomerCardView> {
    const found = read?.interaction.id === interactionId ? read : await this.context.repos.interactions.findWithNotice(interactionId);
    if (!found) throw notFound('That interaction does not exist.');
    return this.context.draw(found.interaction, notice ?? found.lastNotice, duplicateQuery, { agent: found.owner });
  }

  async isOwner(agentId: string, interactionId: string): Promise<boolean> {
    return (await this.context.repos.interactions.find(interactionId))?.agentId === agentId;
  }

  /** The agent's open interaction, if any (for "hangup", "search", re-showing the card). */
  async openInteraction(agentId: string): Promise<Interaction | undefined> {
    return this.context.repos.interactions.openOf(agentId);
  }

  /**
   * What the agent is on now, for the tab's first card: their open call, else the open digital conversation
   * whose end user wrote last (an agent who handles only chats still opens the tab on one).
   */
  async currentInteraction(agentId: string): Promise<Interaction | undefined> {
    const call = await this.openInteraction(agentId);
    if (call) return call;
    const [conversation] = await this.context.repos.threads.assignedTo(agentId);
    return conversation ? this.context.repos.interactions.find(conversation.interactionId) : undefined;
  }

  /** All fields of a record on the card, fresh from the CRM, with its activities newest first (see recordDetails). */
  async details(agentId: string, interactionId: string, ref: RecordRef): Promise<RecordDetails> {
    const { interaction } = await this.context.ownership.owned(agentId, interactionId);
    const link = await this.context.ownership.onCard(interaction, ref);
    return recordDetails(this.context, detailsSubjectOf(interaction), link);
  }

  /** Details of a record the agent's last search outside a call found, read only (see lookupDetails). */
  async lookupDetails(agentId: string, ref: RecordRef): Promise<RecordDetails> {
    return lookupDetails(this.context, this.context.lookups, agentId, ref);
  }

  /**
   * For the CardPublisher in one process (which orders a card's updates itself): the Teams message showing this
   * interaction's card and, when there is one, the card as it stands, drawn from the same read of the interaction.
   */
  async messageAndView(interactionId: string): Promise<{ messageId: string; view: CustomerCardView } | undefined> {
    const found = await this.context.repos.interactions.findWithNotice(interactionId);
    if (!found?.cardActivityId) return undefined;
    return { messageId: found.cardActivityId, view: await this.currentView(interactionId, undefined, undefined, found) };
  }

  /** The Teams message showing this interaction's card, once posted. */
  async cardMessageId(interactionId: string): Promise<string | undefined> {
    return this.context.repos.interactions.findCardActivityId(interactionId);
  }

  /**
   * A card to post as a new message, with the card revision it is drawn at (for rememberCardMessage): the
   * agent's own interaction, or (no `ownerId`: the app's own post, outside any request) any.
   */
  async viewToPost(interactionId: string, ownerId?: string): Promise<{ view: CustomerCardView; revision: number }> {
    const found = ownerId === undefined ? await this.context.repos.interactions.findWithNotice(interactionId) : await this.context.ownership.owned(ownerId, interactionId);
    if (!found) throw notFound('That interaction does not exist.');
    return { view: await this.context.draw(found.interaction, found.lastNotice, undefined, { agent: found.owner }), revision: found.cardRevision };
  }

  /**
   * The Teams message just posted with the card drawn at revision `drawnAt`: the one kept current from now on.
   * When the card changed since it was drawn (another instance's change, announced while the post was on its
   * way, found no message to update), a change is raised so the message catches up; resolves true then.
   */
  async rememberCardMessage(interactionId: string, activityId: string, drawnAt: number): Promise<boolean> {
    const posted = await this.context.repos.interactions.recordCardPost({ interactionId, messageId: activityId, drawnAt });
    if (!posted?.changedSince) return false;
    this.context.deps.events.cardChanged(interactionId, posted.agentId);
    return true;
  }

  /** Keeps the outcome of an action that finished after its click was answered, and shows it on the card. */
  async noteOutcome(interactionId: string, notice: Notice): Promise<void> {
    const interaction = await this.context.repos.interactions.find(interactionId);
    if (!interaction) return;
    await this.context.changes.noted(interaction, notice);
  }
}
