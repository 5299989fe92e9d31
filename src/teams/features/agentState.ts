import type { Application } from '@microsoft/teams-ai';
import { describeAgentState } from '../../domain/agentState.js';
import type { BotDeps } from '../deps.js';
import { argumentOf, command } from '../turn.js';

/** "available" and "unavailable <reason>": the agent's state, with reason codes. */
export function registerAgentState(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*available\s*$/i,
    command(deps, async (context, caller) => {
      const agent = await deps.agents.setAvailable(caller.agentId);
      await context.sendActivity(`You are ${describeAgentState(agent)}. Calls will be routed to you.`);
    }),
  );

  app.message(
    /^\s*unavailable(\s+.*)?$/i,
    command(deps, async (context, caller) => {
      const agent = await deps.agents.setUnavailable(caller.agentId, argumentOf(context, 'unavailable'));
      await context.sendActivity(`You are ${describeAgentState(agent)}. No calls will be routed to you; type "available" to take calls again.`);
    }),
  );
}
