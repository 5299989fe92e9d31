import { statusCard } from '../../cards/statusCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/** "status" (routed by chatCommands.ts): every agent's state, for supervisors only. */
export async function showStatus({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  const rows = await deps.agents.status(caller.aadObjectId);
  await sendCard(context, statusCard(rows, deps.clock()));
}
