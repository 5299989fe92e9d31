import pino, { type Logger } from 'pino';

/** Structured JSON logs. Secrets never reach them: credentials and auth headers are redacted by path. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'customer-card' },
      redact: {
        paths: ['req.headers.authorization', '*.password', '*.secret', '*.token', 'config.bot.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
