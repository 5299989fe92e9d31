import type { Application } from '@microsoft/teams-ai';
import { statusCard } from '../../cards/statusCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import { command } from '../turn.js';

/** "status": every agent's state, for supervisors only. */
export function registerSupervisor(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*status\s*$/i,
    command(deps, async (context, caller) => {
      const rows = await deps.agents.status(caller.aadObjectId);
      await sendCard(context, statusCard(rows, deps.clock()));
    }),
  );
}
