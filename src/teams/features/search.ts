import { searchResultsCard } from '../../cards/searchResultsCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/** "search <text>" (routed by chatCommands.ts): into the open interaction's card (updated in place), or a results card when there is none. */
export async function searchCrm({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  const outcome = await deps.records.search(caller.agentId, argument);
  if (outcome.card) {
    // During an interaction the results join its card, which changes in place.
    await context.sendActivity(outcome.card.notice?.text ?? 'The results are on the Customer Card.');
  } else {
    await sendCard(context, searchResultsCard(outcome.results!));
  }
}
