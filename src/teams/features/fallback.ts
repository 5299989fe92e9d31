import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../deps.js';
import { command } from '../turn.js';

const KNOWN_VERBS = new Set<string>(Object.values(VERBS));

/** What no other route answers: unknown text gets a pointer to help; an unknown card action gets a 400. */
export function registerFallback(app: Application, deps: BotDeps): void {
  app.activity(
    async (context: TurnContext) =>
      context.activity.type === ActivityTypes.Invoke &&
      context.activity.name === 'adaptiveCard/action' &&
      !KNOWN_VERBS.has(String(context.activity.value?.action?.verb)),
    async (context) => {
      deps.logger.info({ verb: context.activity.value?.action?.verb }, 'unknown card action refused');
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
        text ? `I don't know "${text.slice(0, 60)}". Type "help" to see what I can do.` : 'Type "help" to see what I can do.',
      );
    }),
  );
}
