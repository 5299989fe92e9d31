import pino from 'pino';
import { excerpt } from './domain/excerpt.js';

/**
 * Bounds on what one log line keeps, so that no input, however long (a 1 MB chat message, a card action's
 * data, an id an anonymous client made up), is ever logged whole: each string is cut to an excerpt, and a
 * line holds a bounded number of them. These are pino options, merged into the logger's (src/log.ts).
 */

/** The most of any one string a log line keeps: room for an id, a path, an error's message. */
export const MAX_LOGGED_CHARS = 300;
/** The most characters of strings one log line keeps, all values together. */
const MAX_LOGGED_TOTAL = 8_000;
const MAX_KEY_CHARS = 60;
const MAX_STACK_FRAMES = 12;

interface Budget {
  chars: number;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A copy of a value with every string excerpted, within the line's budget; the original is left as it is. */
function bounded(value: unknown, budget: Budget): unknown {
  if (typeof value === 'string') {
    if (budget.chars <= 0) return '…';
    const kept = excerpt(value, Math.min(MAX_LOGGED_CHARS, budget.chars));
    budget.chars -= kept.length;
    return kept;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return boundedError(value, budget);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      if (budget.chars <= 0) {
        items.push(`… ${value.length - items.length} more`);
        break;
      }
      items.push(bounded(item, budget));
    }
    return items;
  }
  if (!isPlainObject(value)) return value; // a Date, a Buffer…: pino's own handling
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (budget.chars <= 0) {
      copy['…'] = 'more keys';
      break;
    }
    const name = key.length > MAX_KEY_CHARS ? excerpt(key, MAX_KEY_CHARS) : key;
    budget.chars -= name.length;
    copy[name] = bounded((value as Record<string, unknown>)[key], budget);
  }
  return copy;
}

/** pino's error serialization (type, message, stack, own properties), each part bounded. */
function boundedError(error: Error, budget: Budget): unknown {
  const { stack, ...parts } = { ...pino.stdSerializers.err(error) } as Record<string, unknown>;
  return { ...(bounded(parts, budget) as object), stack: typeof stack === 'string' ? boundedStack(stack) : undefined };
}

/** The stack's first line (its message) as an excerpt, then its first frames. */
function boundedStack(stack: string): string {
  const framesAt = stack.indexOf('\n    at ');
  const frames =
    framesAt < 0
      ? []
      : stack
          .slice(framesAt + 1, framesAt + 1 + MAX_STACK_FRAMES * MAX_LOGGED_CHARS)
          .split('\n')
          .slice(0, MAX_STACK_FRAMES);
  return [excerpt(framesAt < 0 ? stack : stack.slice(0, framesAt), MAX_LOGGED_CHARS), ...frames.map((f) => `    ${excerpt(f.trim(), MAX_LOGGED_CHARS)}`)].join('\n');
}

/**
 * The pino options that apply these bounds to every line. pino runs formatters.log on a line's fields before
 * its serializers, so the fields (errors included, at any depth) are bounded there, once.
 */
export const logLimits = {
  formatters: {
    log: (object: Record<string, unknown>) => bounded(object, { chars: MAX_LOGGED_TOTAL }) as Record<string, unknown>,
  },
  serializers: {
    // Already serialized and bounded above: pino's default would serialize the copy again, as an Object.
    err: (error: unknown) => error,
    // The message: ours are written in code, but pino takes an error's own message when none is given.
    msg: (message: unknown) => (typeof message === 'string' ? excerpt(message, MAX_LOGGED_CHARS) : message),
  },
} satisfies Pick<pino.LoggerOptions, 'formatters' | 'serializers'>;
