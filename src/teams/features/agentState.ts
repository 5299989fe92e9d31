import { describeAgentState } from '../../domain/agentState.js';
import type { BotDeps } from '../deps.js';
import type { CommandTurn } from '../turn.js';

/** "available" and "unavailable <reason>" (routed by chatCommands.ts): the agent's state, with reason codes. */
export async function becomeAvailable({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  const agent = await deps.agents.setAvailable(caller.agentId);
  await context.sendActivity(`You are ${describeAgentState(agent)}. Calls will be routed to you.`);
}

export async function becomeUnavailable({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  const agent = await deps.agents.setUnavailable(caller.agentId, argument);
  await context.sendActivity(`You are ${describeAgentState(agent)}. No calls will be routed to you; type "available" to take calls again.`);
}
