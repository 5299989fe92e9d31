import type { Application } from '@microsoft/teams-ai';
import type { BotDeps } from '../deps.js';
import { postCustomerCard } from '../replies.js';
import { argumentOf, command } from '../turn.js';

/**
 * "call <number>" (simulator) posts the interaction's Customer Card; "hangup" changes it in place; "card"
 * posts it again (after a reinstall, or when it scrolled far up), and that post becomes the living one.
 */
export function registerCalls(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*call(\s+.*)?$/i,
    command(deps, async (context, caller) => {
      const view = await deps.acd.inboundCall(caller.agentId, argumentOf(context, 'call'));
      await postCustomerCard(context, deps, view);
    }),
  );

  app.message(
    /^\s*(hangup|hang up)\s*$/i,
    command(deps, async (context, caller) => {
      // The card itself changes in place (to the ACW form); the reply says where to look.
      await deps.calls.hangup(caller.agentId);
      await context.sendActivity('The call ended. On the Customer Card, choose a disposition, add notes and click Complete ACW.');
    }),
  );

  app.message(
    /^\s*card\s*$/i,
    command(deps, async (context, caller) => {
      const open = await deps.cards.openInteraction(caller.agentId);
      if (!open) {
        await context.sendActivity('You have no open interaction. Type "available" to take calls' + (deps.acd.enabled ? ', then "call <number>" to simulate one.' : '.'));
        return;
      }
      await postCustomerCard(context, deps, await deps.cards.view(caller.agentId, open.id));
    }),
  );
}
