import type { TurnContext } from 'botbuilder';
import type { TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './deps.js';
import { userMessageFor } from './errors.js';
import { callerOf, type Caller } from './identity.js';

/** One chat command's turn: who sent it, and what follows the command word. */
export interface CommandTurn {
  context: TurnContext;
  caller: Caller;
  argument: string;
}

export interface ChatCommand {
  /** The command word: Teams' command menu lists it, and what follows it in a message is its argument. */
  word: string;
  /** The messages it answers. */
  pattern: RegExp;
  /** How the help and welcome cards write it, with its argument. */
  usage: string;
  /** What it does, as the help and welcome cards say. */
  does: string;
  /** What it does, as Teams' command menu says (bots[0].commandLists in appPackage/manifest.json). */
  menu: string;
  supervisorsOnly?: boolean;
  /** Only with the local call simulator (ACD_SIMULATOR). */
  simulatorOnly?: boolean;
  run(turn: CommandTurn, deps: BotDeps): Promise<void>;
}

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
