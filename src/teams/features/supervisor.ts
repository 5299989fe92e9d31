import { statusCard } from '../../cards/statusCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/** "status" (routed by chatCommands.ts): every agent's state and digital conversations, and the digital queue, for supervisors only. */
export async function showStatus({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  const rows = await deps.agents.status(caller.aadObjectId);
  const queued = await deps.agents.digitalQueue(caller.aadObjectId);
  await sendCard(context, statusCard(rows, deps.clock(), queued));
}
