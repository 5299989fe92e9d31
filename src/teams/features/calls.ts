import type { Application } from '@microsoft/teams-ai';
import { customerCard } from '../../cards/customerCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import { command } from '../turn.js';

/** "call <number>" (simulator), "hangup" and "card": the voice interaction from chat. */
export function registerCalls(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*call(\s+.*)?$/i,
    command(deps, async (context, caller) => {
      const number = context.activity.text?.trim().replace(/^call/i, '').trim() ?? '';
      const view = await deps.acd.inboundCall(caller.agentId, number);
      await sendCard(context, customerCard(view));
    }),
  );

  app.message(
    /^\s*(hangup|hang up)\s*$/i,
    command(deps, async (context, caller) => {
      await sendCard(context, customerCard(await deps.interactions.hangup(caller.agentId)));
    }),
  );

  app.message(
    /^\s*card\s*$/i,
    command(deps, async (context, caller) => {
      const open = await deps.interactions.openInteraction(caller.agentId);
      if (!open) {
        await context.sendActivity('You have no open interaction. Type "available" to take calls' + (deps.acd.enabled ? ', then "call <number>" to simulate one.' : '.'));
        return;
      }
      await sendCard(context, customerCard(await deps.interactions.view(caller.agentId, open.id)));
    }),
  );
}
