import type { Logger } from 'pino';
import { AppError, type ErrorCode } from './domain/errors.js';

/** The one text for a failure of ours, wherever it is shown (chat, card, tab, HTTP). */
export const GENERIC_FAILURE = 'Something went wrong on my side. It has been logged; please try again.';

/** Our error codes as HTTP statuses: a refusal of what was asked (4xx), or a part of ours that is missing or failed (5xx). */
const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale: 409,
  config: 500,
  crm_failure: 502,
};

export interface ReportedError {
  /** What the person (or client) is told. */
  message: string;
  /** The HTTP status that answers it. */
  status: number;
}

/**
 * The one place that turns an error into what a person sees and what the log keeps, for the bot, the card
 * actions, the tab and the HTTP routes alike. Our own errors carry a message written for the person;
 * anything else is logged with its context and shown generically, never with a stack trace or an internal
 * detail.
 */
export function reportError(error: unknown, logger: Logger, context: Record<string, unknown>): ReportedError {
  if (error instanceof AppError) {
    logger.info({ code: error.code, message: error.message, ...context }, 'request refused');
    return { message: error.message, status: HTTP_STATUS[error.code] };
  }
  logger.error({ err: error, ...context }, 'request failed');
  return { message: GENERIC_FAILURE, status: 500 };
}

/** What to tell the person: reportError's message. */
export function messageForPerson(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  return reportError(error, logger, context).message;
}
