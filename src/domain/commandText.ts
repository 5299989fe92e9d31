import { MAX_REPLY_CHARS } from './digital.js';
import { invalidInput } from './errors.js';
import { excerpt } from './excerpt.js';

/**
 * The longest chat message the bot reads as a command, the command word and its argument together. The
 * longest argument any command takes is a search of 100 characters; a phone number or a reason code is far
 * shorter. Bounding the whole message bounds every argument of every command, present and future, before
 * any of it is parsed, remembered, logged or quoted back.
 */
export const MAX_COMMAND_CHARS = 120;
/** How much of a refused message is quoted back, so the person recognizes it. */
const QUOTED_CHARS = 40;

/** "reply <text>" carries the agent's message to a digital conversation's end user: up to a reply's length. */
const REPLY_COMMAND = /^reply\s/i;
const MAX_REPLY_COMMAND_CHARS = 'reply '.length + MAX_REPLY_CHARS;

/** Refuses a message too long to be a command, naming the limit and quoting only its start. */
export function checkCommandLength(text: string): void {
  const typed = text.trim();
  const limit = REPLY_COMMAND.test(typed) ? MAX_REPLY_COMMAND_CHARS : MAX_COMMAND_CHARS;
  if (typed.length <= limit) return;
  throw invalidInput(
    `Commands are limited to ${limit.toLocaleString('en-US')} characters; that message has ${typed.length.toLocaleString('en-US')}. ` +
      `It began "${excerpt(typed, QUOTED_CHARS)}". Type "help" to see the commands.`,
  );
}
