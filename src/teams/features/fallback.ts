import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { VERBS } from '../../cards/verbs.js';
import { excerpt } from '../../domain/excerpt.js';
import type { BotDeps } from '../deps.js';
import { command } from '../turn.js';

const KNOWN_VERBS = new Set<string>(Object.values(VERBS));

/** How much of unknown text, or of an unknown verb, is quoted back or logged. */
const QUOTED_CHARS = 60;

/**
 * What no other route answers: unknown text gets a pointer to help; a card action we do not know (an unknown
 * verb, a verb that is not a string, an action that is not an Action.Execute) gets a 400.
 */
export function registerFallback(app: Application, deps: BotDeps): void {
  app.activity(
    async (context: TurnContext) =>
      context.activity.type === ActivityTypes.Invoke &&
      context.activity.name === 'adaptiveCard/action' &&
      !isKnownAction(context.activity.value?.action),
    async (context) => {
      const verb: unknown = context.activity.value?.action?.verb;
      const named = typeof verb === 'string' ? excerpt(verb, QUOTED_CHARS) : `(${Array.isArray(verb) ? 'an array' : typeof verb})`;
      deps.logger.info({ verb: named }, 'unknown card action refused');
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: {
          status: 400,
          body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'This card action is not known to the app.' } },
        },
      });
    },
  );

  app.activity(
    ActivityTypes.Message,
    command(deps, async (context) => {
      const text = context.activity.text?.trim();
      await context.sendActivity(
        text ? `I don't know "${excerpt(text, QUOTED_CHARS)}". Type "help" to see what I can do.` : 'Type "help" to see what I can do.',
      );
    }),
  );
}

/** An Action.Execute with one of our verbs: what the card action routes answer (teams-ai matches nothing else). */
function isKnownAction(action: { type?: unknown; verb?: unknown } | undefined): boolean {
  return action?.type === 'Action.Execute' && typeof action.verb === 'string' && KNOWN_VERBS.has(action.verb);
}
