import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import { customerCardMessage } from '../cards/customerCard.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import { IN_PROCESS_CARD_SENDS, type CardMessageSends } from '../interactions/cardMessageSends.js';
import type { CardPoster } from '../interactions/contactEvents.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { continueConversation } from './continueConversation.js';
import { withTeamsRetry } from './teamsRetry.js';

/**
 * Posts on their way at once; beyond this, posts wait their turn. A burst of offers thus never opens
 * hundreds of requests to Teams, while a slow or throttled answer (Teams takes tens to hundreds of ms, and
 * its 429s ask to wait seconds) holds up only the posts behind the few in flight.
 */
const POSTS_IN_FLIGHT = 16;

/**
 * Posts a new Customer Card message into an agent's personal chat outside any turn of theirs (a contact the
 * ACD routed to them, a conversation routed to them), through the chat reference kept from their last turn;
 * that message becomes the one kept current (as postCustomerCard in replies.ts does within a turn).
 *
 * `post` only queues: whoever routes (the ACD's one event queue, a digital routing) goes on at once rather
 * than waiting for Teams. Until the post is answered there is no message for the CardPublisher to update,
 * so a change of the card meanwhile is caught here: the post carries the card as it is when it leaves, and a
 * change raised while it was on its way is raised again once its message is known.
 */
export class ProactiveCardPoster implements CardPoster {
  private readonly waiting: Array<() => Promise<void>> = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      adapter: CloudAdapter;
      botAppId: string;
      agents: Pick<AgentService, 'conversationRefOf'>;
      cards: Pick<CardQuery, 'rememberCardMessage' | 'currentView' | 'viewToPost'>;
      events: Pick<InteractionEvents, 'mark' | 'changedSince' | 'cardChanged'>;
      logger: Logger;
      messageView: 'shared' | 'owner';
      /** How card messages are sent beside other instances (SharedCardSends); default: this process alone. */
      sends?: Pick<CardMessageSends, 'sendsPredrawnCards'>;
    },
  ) {}

  post(agentId: string, view: CustomerCardView): void {
    const drawnAt = this.deps.events.mark();
    this.waiting.push(() => this.send(agentId, view, drawnAt));
    this.pump();
  }

  /** Resolves once every post queued so far has been answered (or has failed): for a stop, and for tests. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private pump(): void {
    while (this.inFlight.size < POSTS_IN_FLIGHT && this.waiting.length > 0) {
      const sending = this.waiting.shift()!()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'a Customer Card could not be posted: the agent gets it with "card" or in the tab'))
        .finally(() => {
          this.inFlight.delete(sending);
          this.pump();
        });
      this.inFlight.add(sending);
    }
  }

  private async send(agentId: string, given: CustomerCardView, givenAt: number): Promise<void> {
    const { adapter, botAppId, agents, cards, events, logger } = this.deps;
    const interactionId = given.interaction.id;
    const reference = (await agents.conversationRefOf(agentId)) as Partial<ConversationReference> | undefined;
    if (!reference) {
      logger.info({ interactionId, agentId }, 'the agent has never opened a chat with the bot: they get the card with "card" or in the tab');
      return;
    }
    let drawnAt = givenAt;
    let view = given;
    let revision = 0;
    if (!(this.deps.sends ?? IN_PROCESS_CARD_SENDS).sendsPredrawnCards) {
      // Beside other instances: drawn now, from the read that gives the revision it shows, recorded with the post.
      drawnAt = events.mark();
      ({ view, revision } = await cards.viewToPost(interactionId));
    } else if (events.changedSince(interactionId, givenAt)) {
      // Changed since it was drawn (waiting its turn, say): the post carries the card as it is now.
      drawnAt = events.mark();
      view = await cards.currentView(interactionId);
    }
    const card = customerCardMessage(view, this.deps.messageView);
    let messageId: string | undefined;
    await continueConversation(adapter, botAppId, reference, async (context) => {
      messageId = (await withTeamsRetry(() => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)))))?.id;
    });
    if (!messageId) return;
    // A change made while the post was on its way found no message to update: its update goes out now (raised
    // by rememberCardMessage when the card's revision moved on, here when this instance raised one meanwhile).
    const caughtUp = await cards.rememberCardMessage(interactionId, messageId, revision);
    logger.debug({ interactionId, messageId }, 'card posted to the agent');
    if (!caughtUp && events.changedSince(interactionId, drawnAt)) events.cardChanged(interactionId, agentId);
  }
}
