import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type { prettyFactory } from 'pino-pretty';
import { logLimits } from './logLimits.js';

/**
 * Structured JSON logs (readable lines on a terminal). Secrets never reach them: credentials and auth headers
 * are redacted by path. Nor does anyone's whole input: every string is cut to an excerpt (src/logLimits.ts).
 */
export function createLogger(level: string, destination: pino.DestinationStream | undefined = forATerminal()): Logger {
  return pino(
    {
      level,
      base: { service: 'customer-card' },
      ...logLimits,
      redact: {
        paths: ['req.headers.authorization', '*.password', '*.secret', '*.token', 'config.bot.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * A person at a terminal reads lines (time, level, message, then the fields), not JSON; anything else (a file, a
 * pipe, a log collector) gets JSON. Formatted in this thread as each line is written: no transport worker, which
 * the production bundle could not load, and no line lost when the process exits right after logging it.
 */
function forATerminal(): pino.DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  // Loaded here, only for a terminal: a deployment's start (logs to a pipe) never reads pino-pretty and the
  // dozen packages it brings (cold start, BENCHMARKS.md). A plain require, so the production bundle leaves it in node_modules.
  const { prettyFactory: pretty } = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof prettyFactory };
  const readable = pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => void process.stdout.write(readable(line)) };
}
