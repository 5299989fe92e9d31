import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import { customerCardMessage } from '../cards/customerCard.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import type { CardPoster } from '../interactions/contactEvents.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import { withTeamsRetry } from './teamsRetry.js';

/**
 * Posts a new Customer Card message into an agent's personal chat outside any turn of theirs (a contact the
 * ACD routed to them), through the chat reference kept from their last turn; that message becomes the one
 * kept current (as postCustomerCard in replies.ts does within a turn).
 */
export class ProactiveCardPoster implements CardPoster {
  constructor(
    private readonly deps: {
      adapter: CloudAdapter;
      botAppId: string;
      agents: Pick<AgentService, 'conversationRefOf'>;
      cards: Pick<CardQuery, 'rememberCardMessage'>;
      logger: Logger;
      messageView: 'shared' | 'owner';
    },
  ) {}

  async post(agentId: string, view: CustomerCardView): Promise<boolean> {
    const { adapter, botAppId, agents, cards, logger } = this.deps;
    const reference = (await agents.conversationRefOf(agentId)) as Partial<ConversationReference> | undefined;
    if (!reference) return false;
    const card = customerCardMessage(view, this.deps.messageView);
    let messageId: string | undefined;
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      messageId = (await withTeamsRetry(() => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)))))?.id;
    });
    if (messageId) await cards.rememberCardMessage(view.interaction.id, messageId);
    logger.debug({ interactionId: view.interaction.id, messageId }, 'card posted to the agent');
    return true;
  }
}
