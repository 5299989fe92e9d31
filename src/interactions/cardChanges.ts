import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import type { Agent } from '../domain/agentState.js';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import type { Repositories } from '../store/unitOfWork.js';
import type { InteractionEvents } from './interactionEvents.js';

/**
 * What a change of its owner's interaction holds as it just wrote it: the interaction (its owner's, checked
 * before the change), the notice it keeps, its agent when it read them; the card is drawn from it, not read.
 */
export interface HeldChange {
  interaction: Interaction;
  notice: Notice;
  agent?: Agent;
  links?: InteractionRecordLink[];
}

/** Draws the card of an interaction for its owner (CardQuery.view): late-bound, so the services share one. */
export type OwnerView = (agentId: string, interactionId: string, held?: HeldChange) => Promise<CustomerCardView>;

/**
 * How every interaction service tells of a committed change, in one place: the outcome is kept on the card
 * (its last notice) and the places showing the card (the chat message, the tab) hear of it through
 * InteractionEvents, with the card when it was drawn anyway.
 */
export class CardChanges {
  constructor(
    private readonly events: InteractionEvents,
    private readonly interactions: Repositories['interactions'],
    private readonly ownerView: OwnerView,
  ) {}

  /**
   * After a committed change: keep its outcome on the card, draw the card, and hand it to whoever shows the
   * card too (the chat message, the tab), so it is drawn once. If another change of the same interaction
   * was raised while it was drawn (an ACW write finishing, a late workflow outcome), the card may be missing
   * it: they are told to draw it afresh instead. `held`: the interaction as the change left it, with its
   * agent and links if read, so the card is drawn without reading them again; `noticeKept`: the change's own
   * transaction wrote the notice with it (the interactions' update takes it).
   */
  async done(interaction: Pick<Interaction, 'id' | 'agentId'>, notice: Notice, held?: Omit<HeldChange, 'notice'> & { noticeKept?: true }): Promise<CustomerCardView> {
    const mark = this.events.mark();
    let view: CustomerCardView | undefined;
    try {
      if (!held?.noticeKept) await this.interactions.setLastNotice(interaction.id, notice);
      view = await this.ownerView(interaction.agentId, interaction.id, held && { interaction: held.interaction, agent: held.agent, links: held.links, notice });
      return view;
    } finally {
      this.raise(interaction, this.events.changedSince(interaction.id, mark) ? undefined : view);
    }
  }

  /**
   * The change that created the interaction (offerCall): its notice was written with it, and `draw` draws
   * the card from what that step holds. No message shows it yet, so no message is looked up to update.
   */
  async created(interaction: Pick<Interaction, 'id' | 'agentId'>, draw: () => Promise<CustomerCardView>): Promise<CustomerCardView> {
    const mark = this.events.mark();
    let view: CustomerCardView | undefined;
    try {
      view = await draw();
      return view;
    } finally {
      this.raise(interaction, this.events.changedSince(interaction.id, mark) ? undefined : view, true);
    }
  }

  /** Keeps an outcome on the card without drawing it: whoever shows the card draws it afresh. */
  async noted(interaction: Pick<Interaction, 'id' | 'agentId'>, notice: Notice): Promise<void> {
    await this.interactions.setLastNotice(interaction.id, notice);
    this.raise(interaction);
  }

  private raise(interaction: Pick<Interaction, 'id' | 'agentId'>, view?: CustomerCardView, created = false): void {
    this.events.cardChanged(interaction.id, interaction.agentId, view, { created });
  }
}
