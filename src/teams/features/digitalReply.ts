import type { BotDeps } from '../deps.js';
import type { CommandTurn } from '../turn.js';

/*
 * "reply <text>": the agent answers a digital conversation from chat. It goes to their one open conversation,
 * or with several, to the one whose end user wrote last; the answer names who gets it. Routed by chatCommands.ts.
 */
export async function replyToEndUser({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  if (!argument) {
    await context.sendActivity('Type your reply after the word: reply <text>. It goes to the conversation whose customer wrote last.');
    return;
  }
  const { endUser, threads } = await deps.replies.replyFromChat(caller.agentId, argument);
  const which = threads > 1 ? ` (of your ${threads} conversations, theirs has the latest message)` : '';
  await context.sendActivity(`Your reply to ${endUser} is on its way${which}. Its card shows when it is delivered.`);
}
