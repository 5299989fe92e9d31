import type { CanonicalFields, CrmRecord, FieldValue, RecordRole, RelatedRecord } from '../../domain/crmRecord.js';
import type { Json } from './zendeskApi.js';

/**
 * The one place where Zendesk's objects become the port's records: types and fields under Zendesk's own
 * names, and what they are to the card (role, canonical fields, type label, display values).
 */

/** The Zendesk Support records this connector reads and writes, under Zendesk's own names. */
export const ZENDESK_TYPES = ['user', 'organization', 'ticket'] as const;
export type ZendeskType = (typeof ZENDESK_TYPES)[number];

export function isZendeskType(type: string): type is ZendeskType {
  return (ZENDESK_TYPES as readonly string[]).includes(type);
}

/** The record type of a ticket comment (the timeline's note on a ticket). */
export const COMMENT_TYPE = 'ticket_comment';

/** Zendesk's values and the labels its agent interface shows for them (Zendesk Support search reference). */
export const STATUS_LABELS = { new: 'New', open: 'Open', pending: 'Pending', hold: 'On-hold', solved: 'Solved', closed: 'Closed' };
export const PRIORITY_LABELS = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
export const TICKET_TYPE_LABELS = { question: 'Question', incident: 'Incident', problem: 'Problem', task: 'Task' };
export const ROLE_LABELS = { 'end-user': 'End user', agent: 'Agent', admin: 'Administrator' };
export const TICKET_STATUSES = Object.keys(STATUS_LABELS) as Array<keyof typeof STATUS_LABELS>;
export const TICKET_PRIORITIES = Object.keys(PRIORITY_LABELS) as Array<keyof typeof PRIORITY_LABELS>;
export const TICKET_TYPES = Object.keys(TICKET_TYPE_LABELS);
export const USER_ROLES = Object.keys(ROLE_LABELS);

/** Zendesk's names of its record types, as its agent interface shows them. */
export const TYPE_LABELS: Record<string, string> = { user: 'User', organization: 'Organization', ticket: 'Ticket', [COMMENT_TYPE]: 'Comment' };

/** Zendesk ids are digits; anything else names no record (and never reaches a URL). */
export function isZendeskId(id: string): boolean {
  return /^\d{1,19}$/.test(id);
}

/** Names of the users and organizations records point at, by id (see names.ts); unknown ids are left out. */
export interface NameBook {
  organization(id: string): string | undefined;
  user(id: string): string | undefined;
}

/** What the mapping needs beyond the JSON: the names of referenced records and the configured custom fields. */
export interface MappingContext {
  names: NameBook;
  /** The agent label of an account's custom ticket status ("Working"), by id. */
  customStatus(id: string): string | undefined;
  userPhoneFields: readonly string[];
  organizationPhoneFields: readonly string[];
}

/** No names, no custom phone fields: enough to filter on the flattened fields. */
export const BARE_CONTEXT: MappingContext = {
  names: { organization: () => undefined, user: () => undefined },
  customStatus: () => undefined,
  userPhoneFields: [],
  organizationPhoneFields: [],
};

/** The ids of users and organizations a Zendesk object points at, whose names its record shows. */
export function referencedIds(json: Json): { organizations: string[]; users: string[] } {
  const id = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && isZendeskId(v)) ? [String(v)] : []);
  return {
    organizations: id(json.organization_id),
    users: ['requester_id', 'submitter_id', 'assignee_id', 'author_id'].flatMap((k) => id(json[k])),
  };
}

// --- Records -------------------------------------------------------------------------------------------

/**
 * A Zendesk object as a CrmRecord. Fields are flattened: ids as text (as the port's record ids are);
 * custom user and organization fields under their keys; custom ticket fields as "custom_field_<id>"; nested
 * objects with dotted names ("via.channel"); lists of values as text (tags separated by spaces).
 */
export function toRecord(type: ZendeskType, json: Json, ctx: MappingContext = BARE_CONTEXT): CrmRecord {
  const fields = flatten(json);
  const id = String(json.id);
  const { canonical, display, role } = MAPPERS[type](fields, ctx);
  return { type, id, name: recordName(type, fields, id), role, typeLabel: TYPE_LABELS[type], canonical, fields, display };
}

/**
 * A ticket the timeline filed for a user (a call on the user, see timeline.ts) as the activity it is: dated
 * by the interaction's time written in its note, described by the note.
 */
export function ticketActivity(json: Json, ctx: MappingContext = BARE_CONTEXT): CrmRecord {
  const record = toRecord('ticket', json, ctx);
  const note = readNote(String(json.description ?? ''), String(json.created_at ?? ''));
  const { person, organization } = record.canonical;
  return {
    ...record,
    role: 'activity',
    canonical: { subject: record.canonical.subject, activityDate: note.at, description: note.text, person, organization },
  };
}

/** A ticket comment as a CrmRecord: named by its first line, dated by the interaction it notes (else its time). */
export function commentRecord(ticketId: string, comment: Json, ctx: MappingContext = BARE_CONTEXT): CrmRecord {
  const fields: Record<string, FieldValue> = { ticket_id: ticketId };
  for (const key of ['id', 'type', 'author_id', 'body', 'public', 'created_at', 'audit_id']) put(fields, key, comment[key], 0);
  const id = String(comment.id);
  const body = String(comment.body ?? '');
  const firstLine =
    body
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? '';
  const note = readNote(body, String(comment.created_at ?? ''));
  const author = related('user', fields.author_id, ctx.names);
  return {
    type: COMMENT_TYPE,
    id,
    name: firstLine.slice(0, 120) || `Comment ${id}`,
    role: 'activity',
    // Zendesk calls a private comment an internal note.
    typeLabel: comment.public === false ? 'Internal note' : 'Comment',
    canonical: { subject: firstLine.slice(0, 255) || undefined, activityDate: note.at, description: note.text },
    fields,
    display: author ? { author_id: author.name } : undefined,
  };
}

function recordName(type: ZendeskType, fields: Record<string, FieldValue>, id: string): string {
  if (type === 'ticket') return `#${id}${text(fields.subject) ? ` ${text(fields.subject)}` : ''}`;
  return text(fields.name) || id;
}

// --- Canonical fields ----------------------------------------------------------------------------------

type Mapped = { role: RecordRole; canonical: CanonicalFields; display: Record<string, string> };
type Mapper = (fields: Record<string, FieldValue>, ctx: MappingContext) => Mapped;

const MAPPERS: Record<ZendeskType, Mapper> = {
  /** Zendesk users have one name; first_name / last_name custom user fields refine it when the account has them. */
  user(fields, ctx) {
    const { firstName, lastName } = nameParts(text(fields.name), text(fields.first_name), text(fields.last_name));
    const organization = related('organization', fields.organization_id, ctx.names);
    const display: Record<string, string> = {};
    if (organization) display.organization_id = organization.name;
    label(display, 'role', fields.role, ROLE_LABELS);
    return {
      role: 'person',
      canonical: omitEmpty({
        firstName,
        lastName,
        email: text(fields.email),
        phones: phones(fields, ['phone', ...ctx.userPhoneFields]),
        organization,
      }),
      display,
    };
  },
  organization(fields, ctx) {
    return { role: 'organization', canonical: omitEmpty({ phones: phones(fields, ctx.organizationPhoneFields) }), display: {} };
  },
  ticket(fields, ctx) {
    const person = related('user', fields.requester_id, ctx.names);
    const organization = related('organization', fields.organization_id, ctx.names);
    const display: Record<string, string> = {};
    for (const key of ['requester_id', 'submitter_id', 'assignee_id']) {
      const user = related('user', fields[key], ctx.names);
      if (user) display[key] = user.name;
    }
    if (organization) display.organization_id = organization.name;
    label(display, 'status', fields.status, STATUS_LABELS);
    // With custom ticket statuses, agents read the custom one ("Working"), not its category ("Open").
    const custom = ctx.customStatus(text(fields.custom_status_id));
    if (custom) display.status = display.custom_status_id = custom;
    label(display, 'priority', fields.priority, PRIORITY_LABELS);
    label(display, 'type', fields.type, TICKET_TYPE_LABELS);
    return {
      role: 'case',
      canonical: omitEmpty({
        caseNumber: `#${text(fields.id)}`,
        subject: text(fields.subject),
        status: display.status,
        priority: display.priority,
        description: text(fields.description),
        person,
        organization,
      }),
      display,
    };
  },
};

/** First and last name: the custom fields when set, else the name cut at its last word. */
function nameParts(name: string, first: string, last: string): { firstName: string; lastName: string } {
  if (first && last) return { firstName: first, lastName: last };
  if (first && name.toLowerCase().startsWith(`${first.toLowerCase()} `)) return { firstName: first, lastName: name.slice(first.length).trim() };
  if (first) return { firstName: first, lastName: last || name };
  const words = name.split(/\s+/).filter(Boolean);
  if (last) return { firstName: name.toLowerCase().endsWith(` ${last.toLowerCase()}`) ? name.slice(0, -last.length).trim() : '', lastName: last };
  return { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1) ?? '' };
}

function related(type: 'user' | 'organization', id: FieldValue | undefined, names: NameBook): RelatedRecord | undefined {
  const ref = text(id);
  if (!isZendeskId(ref)) return undefined;
  const name = type === 'user' ? names.user(ref) : names.organization(ref);
  return name ? { ref: { type, id: ref }, name } : undefined;
}

function label(display: Record<string, string>, key: string, value: FieldValue | undefined, labels: Record<string, string>): void {
  const stored = text(value);
  if (stored) display[key] = labels[stored.toLowerCase()] ?? stored;
}

function phones(fields: Record<string, FieldValue>, keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => text(fields[k])).filter(Boolean))];
}

function omitEmpty(canonical: CanonicalFields): CanonicalFields {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(canonical)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as CanonicalFields;
}

function text(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

// --- The timeline's note -------------------------------------------------------------------------------

const AT_PREFIX = 'Interaction time: ';
const REFERENCE_PREFIX = 'Customer Card reference: ';

/** The line of a note that carries its idempotency reference (see timeline.ts). */
export function markerLine(reference: string): string {
  return `${REFERENCE_PREFIX}${reference}`;
}

/**
 * The note the timeline writes: subject, description, extra fields, then the interaction's time (Zendesk
 * dates a comment by when it is written and has no field for when the call was) and the reference.
 */
export function noteBody(subject: string, description: string, extra: string[], at: string, reference: string): string {
  return [subject, '', description, ...(extra.length ? ['', ...extra] : []), '', `${AT_PREFIX}${at}`, markerLine(reference)].join('\n');
}

/** A note's interaction time (else the comment's own time) and its text without the subject and marker lines. */
function readNote(body: string, createdAt: string): { at: string | undefined; text: string | undefined } {
  const lines = body.split('\n');
  const atLine = lines
    .find((l) => l.startsWith(AT_PREFIX))
    ?.slice(AT_PREFIX.length)
    .trim();
  const at = atLine && !Number.isNaN(Date.parse(atLine)) ? new Date(atLine).toISOString() : createdAt ? toIso(createdAt) : undefined;
  const ours = lines.some((l) => l.startsWith(REFERENCE_PREFIX));
  const kept = (ours ? lines.slice(1) : lines).filter((l) => !l.startsWith(AT_PREFIX) && !l.startsWith(REFERENCE_PREFIX));
  const text = kept.join('\n').trim();
  return { at, text: text || undefined };
}

function toIso(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

// --- Flattening ----------------------------------------------------------------------------------------

const CUSTOM_FIELD_OBJECTS = ['user_fields', 'organization_fields'];

function flatten(json: Json): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(json)) {
    if (CUSTOM_FIELD_OBJECTS.includes(key) || key === 'custom_fields' || key === 'fields') continue;
    put(out, key, value, 0);
  }
  for (const key of CUSTOM_FIELD_OBJECTS) {
    const custom = json[key];
    if (!custom || typeof custom !== 'object') continue;
    // A custom key that repeats a native name loses: the native field keeps its meaning.
    for (const [k, v] of Object.entries(custom as Json)) if (!(k in out)) put(out, k, v, 0);
  }
  if (Array.isArray(json.custom_fields)) {
    for (const entry of json.custom_fields as Json[]) {
      if (entry && entry.id !== undefined) put(out, `custom_field_${String(entry.id)}`, entry.value, 0);
    }
  }
  return out;
}

function put(out: Record<string, FieldValue>, key: string, value: unknown, depth: number): void {
  if (value === null || value === undefined) {
    out[key] = null;
  } else if (typeof value === 'number') {
    out[key] = key === 'id' || key.endsWith('_id') ? String(value) : value;
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out[key] = value;
  } else if (Array.isArray(value)) {
    if (value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      out[key] = value.length === 0 ? null : value.map(String).join(key === 'tags' ? ' ' : ', ');
    }
  } else if (typeof value === 'object' && depth < 2) {
    for (const [k, v] of Object.entries(value as Json)) put(out, `${key}.${k}`, v, depth + 1);
  }
}
