import { ActivityTypes } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { checkCommandLength } from '../../domain/commandText.js';
import type { BotDeps } from '../deps.js';
import { userMessageFor } from '../errors.js';

/**
 * Before any command reads a message: one too long to be a command is refused here, for every command at
 * once, with the limit and a short excerpt; nothing past this point ever sees the whole text.
 */
export function registerCommandLength(app: Application, deps: BotDeps): void {
  app.turn('beforeTurn', async (context) => {
    if (context.activity.type !== ActivityTypes.Message || typeof context.activity.text !== 'string') return true;
    try {
      checkCommandLength(context.activity.text);
      return true;
    } catch (error) {
      await context.sendActivity(userMessageFor(error, context, deps.logger));
      return false;
    }
  });
}
