import { z } from 'zod';
import { apiErrorMap, describeApiIssues, text } from './apiIssues.js';
import { utcMillisecondsOf } from './messageTime.js';
import type { InboundMessage } from './ports.js';

/** The most messages one request may carry. */
export const MAX_MESSAGES_PER_REQUEST = 100;
/** The longest text of one message. */
export const MAX_MESSAGE_TEXT = 4000;

const name = z.string().max(100, 'at most 100 characters');

const messageBody = z
  .object({
    idOnExternalPlatform: text(200),
    thread: z.object({ idOnExternalPlatform: text(200) }).strict(),
    messageContent: z
      .object({
        type: z.literal('TEXT', { errorMap: () => ({ message: 'only TEXT is supported' }) }),
        payload: z.object({ text: text(MAX_MESSAGE_TEXT) }).strict(),
      })
      .strict(),
    createdAtWithMilliseconds: z
      .string()
      .max(40)
      .transform((value, ctx) => {
        const utc = utcMillisecondsOf(value);
        if (utc) return utc;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'an ISO-8601 date and time with its offset, such as 2026-12-06T10:15:30.123+01:00' });
        return z.NEVER;
      }),
    direction: z.enum(['inbound', 'outbound']),
    authorEndUserIdentity: z
      .object({
        idOnExternalPlatform: text(200),
        firstName: name.optional(),
        lastName: name.optional(),
        nickname: name.optional(),
      })
      .strict(),
  })
  .strict();

const batchBody = z.object({ messages: z.array(messageBody).min(1, 'at least one message').max(MAX_MESSAGES_PER_REQUEST, `at most ${MAX_MESSAGES_PER_REQUEST} messages per request`) }).strict();

export type MessagesParse = { ok: true; messages: InboundMessage[] } | { ok: false; problem: string };

/** POST /dfo/3.0/channels/{channelId}/messages: one message (seed 002), or {messages: [...]}; in the order sent. */
export function parseMessages(body: unknown): MessagesParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problem: 'the body must be a message object or {"messages": [...]}' };
  const batch = 'messages' in body;
  const parsed = batch ? batchBody.safeParse(body, { errorMap: apiErrorMap }) : messageBody.safeParse(body, { errorMap: apiErrorMap });
  if (!parsed.success) return { ok: false, problem: describeApiIssues(parsed.error.issues) };
  const given = 'messages' in parsed.data ? parsed.data.messages : [parsed.data];
  return {
    ok: true,
    messages: given.map((m) => ({
      idOnExternalPlatform: m.idOnExternalPlatform,
      threadIdOnExternalPlatform: m.thread.idOnExternalPlatform,
      text: m.messageContent.payload.text,
      createdAt: m.createdAtWithMilliseconds,
      direction: m.direction,
      author: {
        idOnExternalPlatform: m.authorEndUserIdentity.idOnExternalPlatform,
        ...(m.authorEndUserIdentity.firstName !== undefined && { firstName: m.authorEndUserIdentity.firstName }),
        ...(m.authorEndUserIdentity.lastName !== undefined && { lastName: m.authorEndUserIdentity.lastName }),
        ...(m.authorEndUserIdentity.nickname !== undefined && { nickname: m.authorEndUserIdentity.nickname }),
      },
    })),
  };
}
