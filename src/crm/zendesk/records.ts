import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import type { AccountCatalog, CustomField, CustomStatus } from './catalog.js';
import type { Json } from './zendeskApi.js';

/** The Zendesk Support records this connector reads and writes, under Zendesk's own names. */
export const ZENDESK_TYPES = ['user', 'organization', 'ticket'] as const;
export type ZendeskType = (typeof ZENDESK_TYPES)[number];

export function isZendeskType(type: string): type is ZendeskType {
  return (ZENDESK_TYPES as readonly string[]).includes(type);
}

/** The record type of a ticket comment (the timeline's note on a ticket). */
export const COMMENT_TYPE = 'ticket_comment';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const TICKET_TYPES = ['question', 'incident', 'problem', 'task'];
const USER_ROLES = ['end-user', 'agent', 'admin'];

/** Zendesk ids are digits; anything else names no record (and never reaches a URL). */
export function isZendeskId(id: string): boolean {
  return /^\d{1,19}$/.test(id);
}

// --- Reading -------------------------------------------------------------------------------------------

/**
 * A Zendesk object as a CrmRecord. Fields are flattened: ids as text (as the port's record ids are);
 * custom user and organization fields under their keys; custom ticket fields as "custom_field_<id>"; nested
 * objects with dotted names ("via.channel"); lists of values as text (tags separated by spaces).
 */
export function toRecord(type: ZendeskType, json: Json): CrmRecord {
  const fields = flatten(json);
  const id = String(json.id);
  return { type, id, name: recordName(type, fields, id), fields };
}

function recordName(type: ZendeskType, fields: Record<string, FieldValue>, id: string): string {
  const text = (v: FieldValue | undefined) => (v === null || v === undefined ? '' : String(v).trim());
  if (type === 'ticket') return `#${id}${text(fields.subject) ? ` ${text(fields.subject)}` : ''}`;
  return text(fields.name) || id;
}

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

/** A ticket comment as a CrmRecord: named by its first line. */
export function commentRecord(ticketId: string, comment: Json): CrmRecord {
  const fields: Record<string, FieldValue> = { ticket_id: ticketId };
  for (const key of ['id', 'type', 'author_id', 'body', 'public', 'created_at', 'audit_id']) put(fields, key, comment[key], 0);
  const id = String(comment.id);
  const firstLine = String(comment.body ?? '').split('\n').find((line) => line.trim()) ?? '';
  return { type: COMMENT_TYPE, id, name: firstLine.trim().slice(0, 120) || `Comment ${id}`, fields };
}

// --- Writing -------------------------------------------------------------------------------------------

type Kind = 'text' | 'id' | 'int' | 'bool' | 'tags' | 'list' | 'priority' | 'ticketType' | 'role' | 'status' | 'createOnly';

/** The native fields a workflow may write, and how their values are read. */
const WRITABLE: Record<ZendeskType, Record<string, Kind>> = {
  user: {
    name: 'text',
    email: 'text',
    phone: 'text',
    alias: 'text',
    details: 'text',
    notes: 'text',
    external_id: 'text',
    organization_id: 'id',
    role: 'role',
    time_zone: 'text',
    iana_time_zone: 'text',
    locale: 'text',
    locale_id: 'int',
    tags: 'tags',
    verified: 'bool',
    signature: 'text',
    shared_phone_number: 'bool',
    moderator: 'bool',
    ticket_restriction: 'text',
    only_private_comments: 'bool',
    restricted_agent: 'bool',
    suspended: 'bool',
    default_group_id: 'id',
    custom_role_id: 'id',
    remote_photo_url: 'text',
  },
  organization: {
    name: 'text',
    details: 'text',
    notes: 'text',
    external_id: 'text',
    group_id: 'id',
    shared_tickets: 'bool',
    shared_comments: 'bool',
    tags: 'tags',
    domain_names: 'list',
  },
  ticket: {
    subject: 'text',
    description: 'createOnly',
    priority: 'priority',
    status: 'status',
    type: 'ticketType',
    requester_id: 'id',
    submitter_id: 'id',
    assignee_id: 'id',
    organization_id: 'id',
    group_id: 'id',
    brand_id: 'id',
    problem_id: 'id',
    ticket_form_id: 'id',
    custom_status_id: 'id',
    external_id: 'text',
    tags: 'tags',
    due_at: 'text',
    recipient: 'text',
  },
};

/** Fields Zendesk computes; a write to them is a field error, not a silent no-op. */
const READ_ONLY = new Set([
  'id',
  'url',
  'created_at',
  'updated_at',
  'last_login_at',
  'active',
  'shared',
  'shared_agent',
  'two_factor_auth_enabled',
  'role_type',
  'chat_only',
  'report_csv',
  'raw_subject',
  'is_public',
  'has_incidents',
  'satisfaction_rating',
  'via',
]);

/** First and last name: Zendesk users have one name; these are custom user fields when the account has them. */
const NAME_PARTS = ['first_name', 'last_name'];

export interface WritePlan {
  /** The JSON to send: {...} of a user, an organization or a ticket. */
  body: Json;
  /** A user's new primary email, set through the identities API on update (PUT users ignores it). */
  email?: string;
}

/**
 * Turns port fields (the CRM's names, text/number/boolean/null values) into the Zendesk JSON of a create or
 * an update, checking every name against Zendesk's fields and the account's custom fields. Every problem is
 * reported at once, by field.
 */
export function toZendeskWrite(
  type: ZendeskType,
  fields: Record<string, FieldValue>,
  mode: 'create' | 'update',
  catalog: AccountCatalog,
  options: { publicFirstComment: boolean },
): WritePlan {
  const errors: Record<string, string> = {};
  const body: Json = {};
  const custom: Json = {};
  const ticketCustom: Array<{ id: number; value: unknown }> = [];
  const plan: WritePlan = { body };
  const customFields = type === 'user' ? catalog.userFields : type === 'organization' ? catalog.organizationFields : [];
  const byKey = new Map(customFields.filter((f) => f.key).map((f) => [f.key!, f]));

  for (const [name, value] of Object.entries(fields)) {
    try {
      const kind = WRITABLE[type][name];
      if (kind) {
        if (type === 'user' && name === 'email' && mode === 'update') {
          if (value === null || String(value).trim() === '') throw new Error('cannot be removed here; a user keeps a primary email once set');
          plan.email = String(value).trim();
        } else if (kind === 'createOnly') {
          if (mode === 'update') throw new Error("is the ticket's first comment and cannot be changed; add a comment instead");
        } else if (kind === 'status') {
          Object.assign(body, statusWrite(value, catalog.customStatuses));
        } else {
          body[name] = convert(kind, value);
        }
      } else if (type === 'ticket' && /^custom_field_\d+$/.test(name)) {
        const id = Number(name.slice('custom_field_'.length));
        const definition = catalog.ticketFields.find((f) => f.id === id);
        if (!definition) throw new Error(`this Zendesk account has no custom ticket field ${id}`);
        ticketCustom.push({ id, value: convertCustom(definition, value) });
      } else if (byKey.has(name)) {
        custom[name] = convertCustom(byKey.get(name)!, value);
      } else if (type === 'user' && NAME_PARTS.includes(name)) {
        // Without such custom fields, first and last name only make up the name of a new user.
        if (mode === 'update') throw new Error(`this Zendesk account has no user field "${name}"; change "name" instead`);
      } else if (READ_ONLY.has(name) || name.includes('.')) {
        throw new Error('is read-only in Zendesk');
      } else {
        throw new Error(`is not a field of a Zendesk ${type}${customFields.length ? ' nor one of its custom fields' : ''}`);
      }
    } catch (error) {
      errors[name] = (error as Error).message;
    }
  }

  if (type === 'user' && mode === 'create' && !('name' in fields)) {
    const composed = NAME_PARTS.map((part) => fields[part])
      .filter((v) => v !== null && v !== undefined && String(v).trim() !== '')
      .map((v) => String(v).trim())
      .join(' ');
    if (composed) body.name = composed;
  }
  if (type === 'ticket' && mode === 'create') {
    // Zendesk makes the first comment the ticket's description, and requires one.
    const text = fields.description ?? fields.subject;
    if (text !== null && text !== undefined && String(text).trim() !== '') {
      body.comment = { body: String(text), public: options.publicFirstComment };
    }
  }
  if (Object.keys(custom).length > 0) body[type === 'user' ? 'user_fields' : 'organization_fields'] = custom;
  if (ticketCustom.length > 0) body.custom_fields = ticketCustom;
  if (Object.keys(errors).length > 0) {
    throw new CrmError(`Zendesk cannot take these ${type} fields: ${Object.keys(errors).join(', ')}`, 400, errors);
  }
  return plan;
}

function convert(kind: Kind, value: FieldValue): unknown {
  if (value === null) return kind === 'tags' || kind === 'list' ? [] : null;
  const text = String(value).trim();
  switch (kind) {
    case 'id':
    case 'int':
      if (!/^-?\d{1,19}$/.test(text)) throw new Error(kind === 'id' ? 'must be the numeric id of a Zendesk record' : 'must be a whole number');
      return Number(text);
    case 'bool':
      return toBoolean(value);
    case 'tags':
    case 'list':
      return text.split(/[\s,]+/).filter(Boolean);
    case 'priority':
      return oneOf(text, TICKET_PRIORITIES);
    case 'ticketType':
      return oneOf(text, TICKET_TYPES);
    case 'role':
      return oneOf(text, USER_ROLES);
    default:
      return String(value);
  }
}

function oneOf(text: string, allowed: readonly string[]): string {
  const lower = text.toLowerCase();
  if (!allowed.includes(lower)) throw new Error(`must be one of ${allowed.join(', ')}`);
  return lower;
}

function toBoolean(value: FieldValue): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new Error('must be true or false');
}

/**
 * A ticket status: Zendesk's own (new, open, pending, hold, solved, closed, in any case), or the label of one
 * of the account's custom ticket statuses ("Working"), which Zendesk sets through custom_status_id.
 */
function statusWrite(value: FieldValue, customStatuses: CustomStatus[]): Json {
  if (value === null) throw new Error('a ticket always has a status');
  const text = String(value).trim();
  const lower = text.toLowerCase();
  if ((TICKET_STATUSES as readonly string[]).includes(lower)) return { status: lower };
  const custom = customStatuses.find((s) => s.label.toLowerCase() === lower);
  if (custom) return { custom_status_id: custom.id };
  const labels = customStatuses.map((s) => s.label).filter((l) => !(TICKET_STATUSES as readonly string[]).includes(l.toLowerCase()));
  throw new Error(
    `"${text}" is not a Zendesk ticket status (${TICKET_STATUSES.join(', ')})${labels.length ? ` nor a custom status of this account (${labels.join(', ')})` : ''}`,
  );
}

/** A custom field's value as its type wants it (memorialization writes text only). */
function convertCustom(field: CustomField, value: FieldValue): unknown {
  if (value === null) return null;
  const text = String(value).trim();
  switch (field.type) {
    case 'checkbox':
      return toBoolean(value);
    case 'integer':
      if (!/^-?\d+$/.test(text)) throw new Error(`is the whole-number field "${field.title}"`);
      return Number(text);
    case 'decimal':
      if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`is the number field "${field.title}"`);
      return Number(text);
    case 'date': {
      const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
      if (!date) throw new Error(`is the date field "${field.title}" (YYYY-MM-DD)`);
      return date;
    }
    case 'multiselect':
      return text.split(/[\s,]+/).filter(Boolean);
    default:
      return typeof value === 'string' ? value : text;
  }
}
