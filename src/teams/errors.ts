import type { Logger } from 'pino';
import type { TurnContext } from 'botbuilder';
import { messageForPerson } from '../errorReporting.js';

/** What to tell the person whose turn failed; logged with the turn's context. */
export function userMessageFor(error: unknown, context: TurnContext, logger: Logger): string {
  return messageForPerson(error, logger, turnInfo(context));
}

export function turnInfo(context: TurnContext): Record<string, unknown> {
  const a = context.activity;
  return { activityId: a.id, activityType: a.type, activityName: a.name, conversationId: a.conversation?.id, fromId: a.from?.id };
}
