import type { Application } from '@microsoft/teams-ai';
import { searchResultsCard } from '../../cards/searchResultsCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import { argumentOf, command } from '../turn.js';

/** "search <text>": into the open interaction's card (updated in place), or a results card when there is none. */
export function registerSearch(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*search(\s+.*)?$/i,
    command(deps, async (context, caller) => {
      const outcome = await deps.records.search(caller.agentId, argumentOf(context, 'search'));
      if (outcome.card) {
        // During an interaction the results join its card, which changes in place.
        await context.sendActivity(outcome.card.notice?.text ?? 'The results are on the Customer Card.');
      } else {
        await sendCard(context, searchResultsCard(outcome.results!));
      }
    }),
  );
}
