import type { BotDeps } from '../deps.js';
import { postCustomerCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/*
 * "call <number>" (simulator) posts the interaction's Customer Card; "hangup" changes it in place; "card"
 * posts it again (after a reinstall, or when it scrolled far up), and that post becomes the living one.
 * Routed by chatCommands.ts.
 */

export async function simulateCall({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  // The card of the call just created: its first revision (announcing a creation leaves it at 0).
  await postCustomerCard(context, deps, { view: await deps.acd.inboundCall(caller.agentId, argument), revision: 0 });
}

export async function hangUp({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  // The card itself changes in place (to the ACW form); the reply says where to look.
  await deps.calls.hangup(caller.agentId);
  await context.sendActivity('The call ended. On the Customer Card, choose a disposition, add notes and click Complete ACW.');
}

export async function showCard({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  const open = await deps.cards.openInteraction(caller.agentId);
  if (!open) {
    await context.sendActivity('You have no open interaction. Type "available" to take calls' + (deps.acd.enabled ? ', then "call <number>" to simulate one.' : '.'));
    return;
  }
  await postCustomerCard(context, deps, await deps.cards.viewToPost(open.id, caller.agentId));
}
