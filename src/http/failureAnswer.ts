import type { Logger } from 'pino';
import type { Response } from 'restify';
import { reportError } from '../errorReporting.js';

/**
 * Answers an HTTP request whose handler failed, through the one error funnel (src/errorReporting.ts): our
 * own error's status and message, anything else logged and answered 500 with the one generic text.
 */
export function answerFailure(res: Response, error: unknown, logger: Logger, context: Record<string, unknown>): void {
  const { status, message } = reportError(error, logger, context);
  if (!res.headersSent) res.send(status, { error: message });
}
