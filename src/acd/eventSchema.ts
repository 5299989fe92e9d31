import { z } from 'zod';

/** Events one request may carry: an ACD batches, but one request must not hold the queue for long. */
export const MAX_EVENTS_PER_REQUEST = 100;

export const CONTACT_EVENT_TYPES = ['contact.offered', 'contact.answered', 'contact.ended', 'contact.transferred', 'contact.acwCompleted', 'contact.abandoned'] as const;
export const EVENT_TYPES = ['agent.state', ...CONTACT_EVENT_TYPES] as const;
export type AcdEventType = (typeof EVENT_TYPES)[number];

/** The states an ACD may set; Working and ACW follow from the agent's contacts, not from a state event. */
export const ACD_AGENT_STATES = ['Available', 'Unavailable'] as const;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** The agent an event is about: their Entra object id (what Teams knows them by), or their email/UPN. */
const agentRef = z.union([z.object({ aadObjectId: text(200) }).strict(), z.object({ email: z.string().trim().email('must be an email address').max(320) }).strict()]);

const contact = z
  .object({
    id: text(200),
    channel: z.enum(['voice', 'chat', 'sms', 'web']).default('voice'),
    /** The caller's number (voice, SMS): required to offer a contact, optional after. */
    ani: text(40).optional(),
    dnis: text(40).optional(),
    /** The skill or queue that routed it (seed 003: 2 to 30 characters). */
    skill: text(30).optional(),
  })
  .strict();

const at = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2026-12-06T15:04:05Z' })
  .transform((s) => new Date(s).toISOString());

const base = { id: text(200), at, agent: agentRef };

export const acdEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('agent.state'), state: z.enum(ACD_AGENT_STATES), reasonCode: text(50).nullish() }).strict(),
  z.object({ ...base, type: z.literal('contact.offered'), contact: contact.extend({ ani: text(40) }) }).strict(),
  z.object({ ...base, type: z.literal('contact.answered'), contact }).strict(),
  z.object({ ...base, type: z.literal('contact.ended'), contact }).strict(),
  /** `agent` is who the contact now goes to. */
  z.object({ ...base, type: z.literal('contact.transferred'), contact }).strict(),
  z
    .object({
      ...base,
      type: z.literal('contact.acwCompleted'),
      contact,
      /** One of the configured dispositions; absent, the first one is used (see ContactConvergence). */
      disposition: text(100).optional(),
      notes: z.string().max(4000, 'must be at most 4000 characters').optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('contact.abandoned'), contact }).strict(),
]);

export type AcdEvent = z.infer<typeof acdEventSchema>;
export type AcdContactEvent = Exclude<AcdEvent, { type: 'agent.state' }>;

/** A request's body: one event, or `{ "events": [...] }`. */
export const acdRequestSchema = z.union([
  z.object({ events: z.array(acdEventSchema).min(1, 'must hold at least one event').max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`) }).strict(),
  acdEventSchema,
]);

/** The events of a request body, or the issues that name what is wrong (the batch form's, when it has `events`). */
export function parseAcdRequest(body: unknown): { ok: true; events: AcdEvent[] } | { ok: false; issues: z.ZodIssue[] } {
  const isBatch = !!body && typeof body === 'object' && !Array.isArray(body) && 'events' in body;
  const schema = isBatch ? acdRequestSchema.options[0] : acdEventSchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  return { ok: true, events: 'events' in parsed.data ? parsed.data.events : [parsed.data] };
}
