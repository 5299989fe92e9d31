import { CrmError, type FieldDescription, type RecordTypeDescription } from '../port.js';
import type { CustomField, ZendeskCatalog } from './catalog.js';
import { WRITABLE } from './recordWrite.js';
import { COMMENT_TYPE, PRIORITY_LABELS, ROLE_LABELS, STATUS_LABELS, TICKET_TYPE_LABELS, TYPE_LABELS, isZendeskType, type ZendeskType } from './records.js';

type Kind = FieldDescription['kind'];

export interface ZendeskDescribeOptions {
  userPhoneFields: readonly string[];
  organizationPhoneFields: readonly string[];
  userEmailFields: readonly string[];
}

const choices = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/**
 * The fields of users and organizations that are properties of the object itself (Zendesk's Users and
 * Organizations API), with the labels Zendesk's agent interface gives them; the user_fields /
 * organization_fields APIs list only the custom ones. Internal properties (url, shared, role_type...) are
 * left out.
 */
const SYSTEM: Record<'user' | 'organization', Record<string, { label: string; kind: Kind; choices?: Array<{ value: string; label: string }> }>> = {
  user: {
    name: { label: 'Name', kind: 'text' },
    email: { label: 'Email', kind: 'email' },
    phone: { label: 'Phone', kind: 'phone' },
    organization_id: { label: 'Organization', kind: 'reference' },
    role: { label: 'Role', kind: 'choice', choices: choices(ROLE_LABELS) },
    alias: { label: 'Alias', kind: 'text' },
    tags: { label: 'Tags', kind: 'text' },
    details: { label: 'Details', kind: 'text' },
    notes: { label: 'Notes', kind: 'text' },
    external_id: { label: 'External ID', kind: 'text' },
    time_zone: { label: 'Time zone', kind: 'text' },
    locale: { label: 'Language', kind: 'text' },
    verified: { label: 'Verified', kind: 'boolean' },
    suspended: { label: 'Suspended', kind: 'boolean' },
    created_at: { label: 'Created', kind: 'datetime' },
    updated_at: { label: 'Updated', kind: 'datetime' },
    last_login_at: { label: 'Last sign-in', kind: 'datetime' },
  },
  organization: {
    name: { label: 'Name', kind: 'text' },
    domain_names: { label: 'Domains', kind: 'text' },
    tags: { label: 'Tags', kind: 'text' },
    details: { label: 'Details', kind: 'text' },
    notes: { label: 'Notes', kind: 'text' },
    group_id: { label: 'Group', kind: 'reference' },
    external_id: { label: 'External ID', kind: 'text' },
    created_at: { label: 'Created', kind: 'datetime' },
    updated_at: { label: 'Updated', kind: 'datetime' },
  },
};

/** System ticket fields by their ticket_fields `type`: the ticket property each one is, its kind and Zendesk's own values. */
const TICKET_SYSTEM: Record<string, { name: string; kind: Kind; choices?: Array<{ value: string; label: string }>; defaultValue?: string }> = {
  subject: { name: 'subject', kind: 'text' },
  description: { name: 'description', kind: 'text' },
  status: { name: 'status', kind: 'choice', choices: choices(STATUS_LABELS), defaultValue: 'new' },
  tickettype: { name: 'type', kind: 'choice', choices: choices(TICKET_TYPE_LABELS) },
  // Zendesk leaves a new ticket's priority empty when none is sent; Normal is the ordinary one of its four.
  priority: { name: 'priority', kind: 'choice', choices: choices(PRIORITY_LABELS), defaultValue: 'normal' },
  group: { name: 'group_id', kind: 'reference' },
  assignee: { name: 'assignee_id', kind: 'reference' },
  custom_status: { name: 'custom_status_id', kind: 'choice' },
};

/** Ticket properties that are not ticket fields in Zendesk's sense, with the labels its agent interface shows. */
const TICKET_PROPERTIES: Record<string, { label: string; kind: Kind }> = {
  id: { label: 'Ticket ID', kind: 'text' },
  requester_id: { label: 'Requester', kind: 'reference' },
  submitter_id: { label: 'Submitter', kind: 'reference' },
  organization_id: { label: 'Organization', kind: 'reference' },
  tags: { label: 'Tags', kind: 'text' },
  due_at: { label: 'Due date', kind: 'datetime' },
  external_id: { label: 'External ID', kind: 'text' },
  created_at: { label: 'Created', kind: 'datetime' },
  updated_at: { label: 'Updated', kind: 'datetime' },
};

const COMMENT_FIELDS: Record<string, FieldDescription> = {
  body: { label: 'Comment', kind: 'text', writable: false },
  public: { label: 'Public', kind: 'boolean', writable: false },
  author_id: { label: 'Author', kind: 'reference', writable: false },
  created_at: { label: 'Created', kind: 'datetime', writable: false },
};

/**
 * Record types as Zendesk describes them: the object's own properties with Zendesk's labels, and the
 * account's fields from GET /user_fields, /organization_fields and /ticket_fields (titles, types, options;
 * system ticket fields with their system_field_options). The definitions are cached by the catalog.
 */
export async function describeZendeskType(type: string, catalog: ZendeskCatalog, options: ZendeskDescribeOptions, signal: AbortSignal): Promise<RecordTypeDescription> {
  if (type === COMMENT_TYPE) return { type, label: TYPE_LABELS[type]!, fields: COMMENT_FIELDS };
  if (!isZendeskType(type)) throw new CrmError(`Zendesk Support has no "${type}" records`, 404);
  const fields = type === 'ticket' ? await ticketFields(catalog, signal) : await peopleFields(type, catalog, options, signal);
  return { type, label: TYPE_LABELS[type]!, fields };
}

async function peopleFields(type: Exclude<ZendeskType, 'ticket'>, catalog: ZendeskCatalog, options: ZendeskDescribeOptions, signal: AbortSignal): Promise<Record<string, FieldDescription>> {
  const fields: Record<string, FieldDescription> = {};
  for (const [name, f] of Object.entries(SYSTEM[type])) fields[name] = { ...f, writable: writable(type, name) };
  const custom = type === 'user' ? await catalog.userFields(signal) : await catalog.organizationFields(signal);
  const phones = type === 'user' ? options.userPhoneFields : options.organizationPhoneFields;
  const emails = type === 'user' ? options.userEmailFields : [];
  for (const field of custom) {
    if (!field.key || field.key in fields) continue;
    const kind = phones.includes(field.key) ? 'phone' : emails.includes(field.key) ? 'email' : kindOf(field);
    fields[field.key] = customDescription(field, kind);
  }
  return fields;
}

async function ticketFields(catalog: ZendeskCatalog, signal: AbortSignal): Promise<Record<string, FieldDescription>> {
  const fields: Record<string, FieldDescription> = {};
  for (const field of await catalog.allTicketFields(signal)) {
    if (!field.system) {
      fields[`custom_field_${field.id}`] = customDescription(field, kindOf(field));
      continue;
    }
    const system = TICKET_SYSTEM[field.type];
    if (!system) continue; // a system field this connector does not read (brand, ticket form...)
    const description: FieldDescription = { label: field.title, kind: system.kind, writable: writable('ticket', system.name) };
    const values = field.type === 'status' ? allStatuses(field.options) : field.options?.length ? field.options : system.choices;
    if (values) description.choices = values;
    if (system.defaultValue) description.defaultValue = system.defaultValue;
    fields[system.name] = description;
  }
  for (const [name, f] of Object.entries(TICKET_PROPERTIES)) fields[name] ??= { ...f, writable: writable('ticket', name) };
  return fields;
}

/**
 * Every status a ticket can have, with the account's labels where ticket_fields gives them: the field's
 * options are what an agent may choose, but a ticket also reads New (before anyone touched it) and Closed.
 */
function allStatuses(options: CustomField['options']): Array<{ value: string; label: string }> {
  return Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label: options?.find((o) => o.value === value)?.label ?? label }));
}

/** Writable: a native property an update may set (the ticket's description is its first comment, set once). */
function writable(type: ZendeskType, name: string): boolean {
  const kind = WRITABLE[type][name];
  return kind !== undefined && kind !== 'createOnly';
}

function customDescription(field: CustomField, kind: Kind): FieldDescription {
  const description: FieldDescription = { label: field.title, kind, writable: field.agentCanEdit !== false };
  if (field.options?.length) description.choices = field.options;
  return description;
}

/** Zendesk's custom field types: text, textarea, regexp, integer, decimal, checkbox, date, dropdown, tagger, multiselect, lookup. */
function kindOf(field: CustomField): Kind {
  switch (field.type) {
    case 'integer':
    case 'decimal':
      return 'number';
    case 'checkbox':
      return 'boolean';
    case 'date':
      return 'date';
    case 'dropdown':
    case 'tagger':
    case 'multiselect':
      return 'choice';
    case 'lookup':
      return 'reference';
    default:
      return 'text';
  }
}
