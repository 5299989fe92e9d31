import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';

/**
 * Runs `logic` in an agent's chat outside any turn of theirs (CloudAdapter.continueConversationAsync), and
 * throws what it threw. The adapter hands a failed turn's error to its onTurnError (the app's error handler,
 * which teams-ai installs there) and resolves as if all went well: a card update Teams refused would then count
 * as sent, and its message would stay behind its card.
 */
export async function continueConversation(adapter: CloudAdapter, botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await adapter.continueConversationAsync(botAppId, reference, async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}
