import type { Logger } from 'pino';
import { AppError } from './domain/errors.js';

const GENERIC = 'Something went wrong on my side. It has been logged; please try again.';

/**
 * The one place that turns an error into what a person sees and what the log keeps. Our own errors carry a
 * message written for the person; anything else is logged with its context and shown generically, never
 * with a stack trace or an internal detail.
 */
export function messageForPerson(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  if (error instanceof AppError) {
    logger.info({ code: error.code, message: error.message, ...context }, 'request refused');
    return error.message;
  }
  logger.error({ err: error, ...context }, 'request failed');
  return GENERIC;
}
