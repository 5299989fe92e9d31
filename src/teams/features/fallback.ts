import { ActivityTypes } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { excerpt } from '../../domain/excerpt.js';
import type { BotDeps } from '../deps.js';
import { command } from '../turn.js';

/** How much of unknown text is quoted back. */
const QUOTED_CHARS = 60;

/** What no other route answers: unknown text gets a pointer to help (card actions: customerCardActions.ts). */
export function registerFallback(app: Application, deps: BotDeps): void {
  app.activity(
    ActivityTypes.Message,
    command(deps, async (context) => {
      const text = context.activity.text?.trim();
      await context.sendActivity(text ? `I don't know "${excerpt(text, QUOTED_CHARS)}". Type "help" to see what I can do.` : 'Type "help" to see what I can do.');
    }),
  );
}
