import { CardFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { customerCardMessage } from '../cards/customerCard.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { InteractionService } from '../interactions/interactionService.js';
import { findConversationRef } from '../store/conversationRefsRepository.js';
import type { Database } from '../store/schema.js';
import { withTeamsRetry } from './teamsRetry.js';

/**
 * Keeps each interaction's one Customer Card message current: whenever the card changes, the message is
 * updated in place (updateActivity). Changes that come in while an update is on its way are folded into
 * the next one.
 */
export class CardPublisher {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly deps: {
      adapter: CloudAdapter;
      botAppId: string;
      db: Kysely<Database>;
      interactions: InteractionService;
      logger: Logger;
      messageView: 'shared' | 'owner';
    },
  ) {}

  listenTo(events: InteractionEvents): void {
    events.onCardChanged(({ interactionId, agentId }) => this.publish(interactionId, agentId));
  }

  /** Updates the card message of an interaction; resolves when the update (and any folded in) is done. */
  async publish(interactionId: string, agentId: string): Promise<void> {
    const running = this.inFlight.get(interactionId);
    if (running) {
      this.again.add(interactionId);
      return running;
    }
    const run = this.update(interactionId, agentId).finally(() => {
      this.inFlight.delete(interactionId);
      if (this.again.delete(interactionId)) {
        this.publish(interactionId, agentId).catch((error: unknown) => this.deps.logger.error({ err: error, interactionId }, 'card update failed'));
      }
    });
    this.inFlight.set(interactionId, run);
    return run;
  }

  private async update(interactionId: string, agentId: string): Promise<void> {
    const { interactions, adapter, botAppId, db, logger } = this.deps;
    const messageId = await interactions.cardMessageId(interactionId);
    const reference = (await findConversationRef(db, agentId)) as Partial<ConversationReference> | undefined;
    // Not posted yet (the post itself carries the newest card), or the agent never talked to the bot.
    if (!messageId || !reference) return;
    const card = customerCardMessage(await interactions.currentView(interactionId), this.deps.messageView);
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      await withTeamsRetry(() => context.updateActivity({ id: messageId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] }));
    });
    logger.debug({ interactionId, messageId }, 'card updated in place');
  }
}
