import { CardFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import { customerCard, customerCardMessage } from '../cards/customerCard.js';
import { IN_PROCESS_CARD_SENDS, type CardMessageSends } from '../interactions/cardMessageSends.js';
import { LocalCardUpdateAllowance, UPDATES_PER_SECOND, type CardUpdateAllowance } from '../interactions/cardUpdateAllowance.js';
import type { CardChange, InteractionEvents } from '../interactions/interactionEvents.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import { continueConversation } from './continueConversation.js';
import { withTeamsRetry } from './teamsRetry.js';

/** Card messages being updated at once; beyond this, updates wait their turn. */
const UPDATES_IN_FLIGHT = 8;

/**
 * Keeps each interaction's one Customer Card message current: whenever the card changes, the message is
 * updated in place (updateActivity). Changes are queued per interaction: however many come in before its
 * update starts (a burst of ACW writes finishing, say), they make one update, drawn from the card as it
 * then is. At most UPDATES_IN_FLIGHT updates run at once and UPDATES_PER_SECOND are sent a second; a change
 * of a card not posted yet (the post itself carries the newest card) costs neither. With other instances on
 * the same database, `sends` orders the updates of one message across them (an older card never lands last).
 */
export class CardPublisher {
  /** Interactions whose card changed since their last update started, oldest first, with their latest change. */
  private readonly due = new Map<string, CardChange>();
  /** Interactions with an update on its way: a change meanwhile waits for it, then makes the next. */
  private readonly sending = new Set<string>();
  /** Who waits for the next update of an interaction to finish. */
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly allowance: CardUpdateAllowance;

  constructor(
    private readonly deps: {
      adapter: CloudAdapter;
      botAppId: string;
      agents: Pick<AgentService, 'conversationRefOf'>;
      cards: Pick<CardQuery, 'cardMessageId' | 'currentView' | 'messageAndView'>;
      logger: Logger;
      messageView: 'shared' | 'owner';
      /** This process's own rate (default UPDATES_PER_SECOND), when no shared `allowance` is given. */
      updatesPerSecond?: number;
      /** How many updates may be sent (SharedCardUpdateAllowance: with other instances); default: this process's own. */
      allowance?: CardUpdateAllowance;
      /** How updates are ordered against other instances' (SharedCardSends); default: this process alone. */
      sends?: CardMessageSends;
    },
  ) {
    this.allowance = deps.allowance ?? new LocalCardUpdateAllowance(deps.updatesPerSecond ?? UPDATES_PER_SECOND);
  }

  /** This instance's own changes: another instance's are its to send (the tabs here hear of them apart). */
  listenTo(events: InteractionEvents): void {
    events.onOwnCardChanged((change) => this.publish(change));
  }

  /**
   * Queues an update of the card message of an interaction; resolves when an update showing this change is
   * done. The update shows the card the latest change drew, or draws it afresh if that change drew none.
   */
  publish(change: CardChange): Promise<void> {
    if (change.retiredMessageId) return this.retire(change, change.retiredMessageId);
    const { interactionId, agentId } = change;
    this.due.delete(interactionId); // re-inserted: the latest change decides what is drawn, its place stays fair
    // A change that has to wait behind others is kept without its card, drawn afresh when its turn comes: a
    // backlog holds ids, not cards (and the card may well have changed again by then).
    this.due.set(interactionId, this.due.size + this.sending.size < UPDATES_IN_FLIGHT ? change : { interactionId, agentId, ...(change.created && { created: change.created }) });
    const done = new Promise<void>((resolve) => {
      const waiters = this.waiting.get(interactionId) ?? [];
      waiters.push(resolve);
      this.waiting.set(interactionId, waiters);
    });
    this.pump();
    return done;
  }

  private pump(): void {
    for (const [interactionId, change] of this.due) {
      if (this.sending.size >= UPDATES_IN_FLIGHT) return;
      if (this.sending.has(interactionId)) continue;
      this.due.delete(interactionId);
      this.sending.add(interactionId);
      const waiters = this.waiting.get(interactionId) ?? [];
      this.waiting.delete(interactionId);
      this.update(change)
        .catch((error: unknown) => this.deps.logger.error({ err: error, interactionId }, 'card update failed'))
        .finally(() => {
          this.sending.delete(interactionId);
          for (const resolve of waiters) resolve();
          this.pump();
        });
    }
  }

  /**
   * The last update of a card message its interaction has left (a conversation transferred, unassigned or
   * dismissed): read-only, in the chat of the agent it was theirs, once. Apart from the interaction's queue:
   * its next changes are the next agent's message, never this one.
   */
  private async retire({ interactionId, agentId, view }: CardChange, messageId: string): Promise<void> {
    const { cards, adapter, botAppId, agents, logger } = this.deps;
    const reference = (await agents.conversationRefOf(agentId)) as Partial<ConversationReference> | undefined;
    if (!reference) return;
    await this.allowance.take();
    const drawn = view ?? (await cards.currentView(interactionId));
    // Shared: what anyone but the owner sees; owner: the agent's data, read-only (no action is theirs now).
    const card = this.deps.messageView === 'shared' ? customerCard(drawn, 'observer', { refresh: false }) : customerCard(drawn, 'supervisor', { refresh: false });
    await continueConversation(adapter, botAppId, reference, async (context) => {
      await withTeamsRetry(() => context.updateActivity({ id: messageId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] }));
    }).catch((error: unknown) => logger.error({ err: error, interactionId, messageId }, 'last update of a card message failed'));
  }

  private async update({ interactionId, agentId, view, revision, created }: CardChange): Promise<void> {
    const { cards, adapter, botAppId, agents, logger } = this.deps;
    const sends = this.deps.sends ?? IN_PROCESS_CARD_SENDS;
    // Just created: not posted yet, so there is no message to look up.
    if (created) return;
    // In one process (which orders a card's updates itself), a card to draw afresh is drawn from the read that finds its message.
    const drawsNow = !view && sends.sendsPredrawnCards;
    const found = drawsNow ? await cards.messageAndView(interactionId) : undefined;
    const messageId = drawsNow ? found?.messageId : await cards.cardMessageId(interactionId);
    // Not posted yet (the post itself carries the newest card), or the agent never talked to the bot.
    if (!messageId) return;
    const reference = (await agents.conversationRefOf(agentId)) as Partial<ConversationReference> | undefined;
    if (!reference) return;
    const predrawn = sends.sendsPredrawnCards ? (view ?? found?.view) : undefined;
    const sent = await sends.inTurn(interactionId, revision, async () => {
      await this.allowance.take();
      const card = customerCardMessage(predrawn ?? (await cards.currentView(interactionId)), this.deps.messageView);
      await continueConversation(adapter, botAppId, reference, async (context) => {
        await withTeamsRetry(() => context.updateActivity({ id: messageId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] }));
      });
    });
    logger.debug({ interactionId, messageId, sent }, sent ? 'card updated in place' : 'card already sent at this revision');
  }
}
