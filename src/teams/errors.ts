import type { Logger } from 'pino';
import type { TurnContext } from 'botbuilder';
import { AppError } from '../domain/errors.js';

const GENERIC = 'Something went wrong on my side. It has been logged; please try again.';

/**
 * The one place that turns an error into what a person sees and what the log keeps. Our own errors carry a
 * message written for the person; anything else is logged with the turn's context and shown generically,
 * never with a stack trace or an internal detail.
 */
export function userMessageFor(error: unknown, context: TurnContext, logger: Logger): string {
  if (error instanceof AppError) {
    logger.info({ code: error.code, message: error.message, ...turnInfo(context) }, 'request refused');
    return error.message;
  }
  logger.error({ err: error, ...turnInfo(context) }, 'turn failed');
  return GENERIC;
}

export function turnInfo(context: TurnContext): Record<string, unknown> {
  const a = context.activity;
  return { activityId: a.id, activityType: a.type, activityName: a.name, conversationId: a.conversation?.id, fromId: a.from?.id };
}
