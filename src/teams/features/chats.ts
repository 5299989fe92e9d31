import type { BotDeps } from '../deps.js';
import type { CommandTurn } from '../turn.js';

/*
 * "chat <first name> <last name> <text>" (simulator, routed by chatCommands.ts): the simulated end user writes
 * on the simulator's web chat, which posts it through the channel API; the conversation's card reaches the
 * agent it is routed to, as a real chat's does. The reply here says what the platform was told.
 */
export async function simulateChat({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  await context.sendActivity(await deps.chats.chat(caller.agentId, argument));
}
