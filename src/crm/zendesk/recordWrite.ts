import type { FieldValue } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import type { AccountCatalog, CustomField, CustomStatus } from './catalog.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, USER_ROLES, type ZendeskType } from './records.js';
import type { Json } from './zendeskApi.js';

// How port fields become the JSON of a Zendesk create or update (the reading side is records.ts).

type Kind = 'text' | 'id' | 'int' | 'bool' | 'tags' | 'list' | 'priority' | 'ticketType' | 'role' | 'status' | 'createOnly';

/** The native fields a workflow may write, and how their values are read. */
export const WRITABLE: Record<ZendeskType, Record<string, Kind>> = {
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
export function toZendeskWrite(type: ZendeskType, fields: Record<string, FieldValue>, mode: 'create' | 'update', catalog: AccountCatalog, options: { publicFirstComment: boolean }): WritePlan {
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
  throw new Error(`"${text}" is not a Zendesk ticket status (${TICKET_STATUSES.join(', ')})${labels.length ? ` nor a custom status of this account (${labels.join(', ')})` : ''}`);
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
