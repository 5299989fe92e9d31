import type { Application } from '@microsoft/teams-ai';
import { customerCard } from '../../cards/customerCard.js';
import { searchResultsCard } from '../../cards/searchResultsCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import { command } from '../turn.js';

/** "search <text>": into the open interaction's card, or a results card when there is none. */
export function registerSearch(app: Application, deps: BotDeps): void {
  app.message(
    /^\s*search(\s+.*)?$/i,
    command(deps, async (context, caller) => {
      const text = context.activity.text?.trim().replace(/^search/i, '').trim() ?? '';
      const outcome = await deps.interactions.search(caller.agentId, text);
      await sendCard(context, outcome.card ? customerCard(outcome.card) : searchResultsCard(outcome.results!));
    }),
  );
}
