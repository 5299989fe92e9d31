import type { TurnContext } from 'botbuilder';
import type { TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './deps.js';
import { userMessageFor } from './errors.js';
import { callerOf, type Caller } from './identity.js';

/** Wraps a chat command: runs it for the caller and answers any failure with a message meant for them. */
export function command(deps: BotDeps, handler: (context: TurnContext, caller: Caller) => Promise<void>) {
  return async (context: TurnContext, _state: TurnState): Promise<void> => {
    const caller = callerOf(context);
    try {
      await handler(context, caller);
    } catch (error) {
      await context.sendActivity(userMessageFor(error, context, deps.logger));
    }
  };
}

/**
 * What follows the command word in the message ("call +1 206…" → "+1 206…"). Its length is already bounded:
 * a message too long to be a command never reaches a command (features/commandLength.ts).
 */
export function argumentOf(context: TurnContext, word: string): string {
  const text = context.activity.text?.trim() ?? '';
  return text.slice(0, word.length).toLowerCase() === word ? text.slice(word.length).trim() : '';
}
