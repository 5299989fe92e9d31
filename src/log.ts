import pino, { type Logger } from 'pino';
import { logLimits } from './logLimits.js';

/**
 * Structured JSON logs. Secrets never reach them: credentials and auth headers are redacted by path. Nor does
 * anyone's whole input: every string is cut to an excerpt (src/logLimits.ts).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
