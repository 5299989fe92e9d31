import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { AgentService } from '../agents/agentService.js';
import { continueConversation } from './continueConversation.js';
import { withTeamsRetry } from './teamsRetry.js';

/**
 * Sends a text message into an agent's personal chat outside any turn of theirs (the chat simulator tells
 * them what its end user received), through the chat reference kept from their last turn. Does nothing for
 * an agent who never talked to the bot.
 */
export function proactiveText(deps: { adapter: CloudAdapter; botAppId: string; agents: Pick<AgentService, 'conversationRefOf'> }) {
  return async (agentId: string, text: string): Promise<void> => {
    const reference = (await deps.agents.conversationRefOf(agentId)) as Partial<ConversationReference> | undefined;
    if (!reference) return;
    await continueConversation(deps.adapter, deps.botAppId, reference, async (context) => {
      await withTeamsRetry(() => context.sendActivity({ type: 'message', text, textFormat: 'plain' }));
    });
  };
}
