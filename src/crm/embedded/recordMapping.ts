import type { CanonicalFields, CrmRecord, FieldValue, RecordRole } from '../../domain/crmRecord.js';
import { displayPhone, toE164 } from '../../domain/phone.js';
import type { FieldDescription, RecordTypeDescription, SearchableRole } from '../port.js';

/**
 * The embedded CRM's types and fields under the canonical model, in one place: each type's role and label,
 * each field's label, kind and writability (describe), and the canonical fields and display values of a
 * record. Nothing else in the project needs to know that the embedded CRM says `contact` or `accountId`.
 */

const ROLE_OF: Record<string, RecordRole> = { account: 'organization', contact: 'person', lead: 'lead', case: 'case', task: 'activity' };
const TYPE_OF_ROLE: Record<SearchableRole, string> = { person: 'contact', organization: 'account', lead: 'lead', case: 'case' };

export const PHONE_FIELDS = ['phone', 'mobilePhone', 'homePhone', 'otherPhone'] as const;

const field = (label: string, kind: FieldDescription['kind'] = 'text', more: Partial<FieldDescription> = {}): FieldDescription => ({
  label,
  kind,
  writable: true,
  ...more,
});
const derived = (label: string, kind: FieldDescription['kind'] = 'text'): FieldDescription => ({ label, kind, writable: false });

const PRIORITIES = ['Low', 'Medium', 'High'].map((p) => ({ value: p, label: p }));
const CASE_STATUSES = ['New', 'Working', 'Escalated', 'Closed'].map((s) => ({ value: s, label: s }));
const LEAD_STATUSES = ['New', 'Contacted', 'Qualified', 'Unqualified'].map((s) => ({ value: s, label: s }));

/** The standard types as the embedded CRM describes them; a field left out is internal. */
const DESCRIPTIONS: Record<string, RecordTypeDescription> = {
  account: {
    type: 'account',
    label: 'Account',
    fields: {
      name: field('Account Name'),
      phone: field('Phone', 'phone'),
      website: field('Website'),
      industry: field('Industry'),
      city: field('City'),
      lastContactAt: field('Last Contact', 'datetime'),
      lastDisposition: field('Last Disposition'),
    },
  },
  contact: {
    type: 'contact',
    label: 'Contact',
    fields: {
      firstName: field('First Name'),
      lastName: field('Last Name'),
      title: field('Title'),
      email: field('Email', 'email'),
      phone: field('Phone', 'phone'),
      mobilePhone: field('Mobile Phone', 'phone'),
      homePhone: field('Home Phone', 'phone'),
      otherPhone: field('Other Phone', 'phone'),
      accountId: field('Account', 'reference'),
      accountName: derived('Account Name'),
      lastContactAt: field('Last Contact', 'datetime'),
      lastDisposition: field('Last Disposition'),
    },
  },
  lead: {
    type: 'lead',
    label: 'Lead',
    fields: {
      firstName: field('First Name'),
      lastName: field('Last Name'),
      company: field('Company'),
      email: field('Email', 'email'),
      phone: field('Phone', 'phone'),
      mobilePhone: field('Mobile Phone', 'phone'),
      status: field('Lead Status', 'choice', { choices: LEAD_STATUSES, defaultValue: 'New' }),
    },
  },
  case: {
    type: 'case',
    label: 'Case',
    fields: {
      caseNumber: derived('Case Number'),
      subject: field('Subject'),
      description: field('Description'),
      status: field('Status', 'choice', { choices: CASE_STATUSES, defaultValue: 'New' }),
      priority: field('Priority', 'choice', { choices: PRIORITIES, defaultValue: 'Medium' }),
      contactId: field('Contact', 'reference'),
      contactName: derived('Contact Name'),
      accountId: field('Account', 'reference'),
      accountName: derived('Account Name'),
    },
  },
  task: {
    type: 'task',
    label: 'Activity',
    fields: {
      subject: field('Subject'),
      description: field('Comments'),
      activityDate: field('Date', 'datetime'),
      status: field('Status'),
      disposition: field('Disposition'),
      durationSeconds: derived('Duration (s)', 'number'),
      agentName: derived('Agent'),
    },
  },
};

/** The type a searchable role is stored under. */
export function typeOfRole(role: SearchableRole): string {
  return TYPE_OF_ROLE[role];
}

/** A standard type's description; undefined for a custom type (described from its records, see embeddedConnector). */
export function standardDescription(type: string): RecordTypeDescription | undefined {
  return DESCRIPTIONS[type];
}

/** A custom type's description, from the field names its records carry: every field is text and writable. */
export function customDescription(type: string, fieldNames: Iterable<string>): RecordTypeDescription {
  const fields: Record<string, FieldDescription> = {};
  for (const name of fieldNames) fields[name] = field(humanize(name));
  return { type, label: humanize(type), fields };
}

function humanize(name: string): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.replace(/^./, (c) => c.toUpperCase());
}

/** Whether the field holds a phone number: it is stored in E.164 when written through the port. */
export function isPhoneField(type: string, name: string): boolean {
  return DESCRIPTIONS[type]?.fields[name]?.kind === 'phone' || (!DESCRIPTIONS[type] && (PHONE_FIELDS as readonly string[]).includes(name));
}

/** Phone fields written through the port, in E.164 when they parse (as typed otherwise: never lose input). */
export function normalizePhones(type: string, fields: Record<string, FieldValue>, defaultRegion: string): Record<string, FieldValue> {
  const out = { ...fields };
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.trim() && isPhoneField(type, name)) out[name] = toE164(value, defaultRegion) ?? value;
  }
  return out;
}

const text = (value: FieldValue | undefined): string | undefined => (value === null || value === undefined || value === '' ? undefined : String(value));

/** A stored row as a record of the port: role, label, canonical fields and display values filled. */
export function mapRecord(type: string, id: string, name: string, fields: Record<string, FieldValue>): CrmRecord {
  const role = ROLE_OF[type] ?? 'other';
  const canonical: CanonicalFields = {};
  const set = <K extends keyof CanonicalFields>(key: K, value: CanonicalFields[K] | undefined) => {
    if (value !== undefined) canonical[key] = value;
  };
  set('firstName', text(fields.firstName));
  set('lastName', text(fields.lastName));
  set('email', text(fields.email));
  const phones = PHONE_FIELDS.map((f) => text(fields[f])).filter((p): p is string => !!p);
  if (phones.length) canonical.phones = phones;
  const accountId = text(fields.accountId);
  if (accountId) canonical.organization = { ref: { type: 'account', id: accountId }, name: text(fields.accountName) ?? accountId };
  if (role === 'case') {
    set('caseNumber', text(fields.caseNumber));
    set('subject', text(fields.subject));
    set('status', text(fields.status));
    set('priority', text(fields.priority));
    set('description', text(fields.description));
    const contactId = text(fields.contactId);
    if (contactId) canonical.person = { ref: { type: 'contact', id: contactId }, name: text(fields.contactName) ?? contactId };
  }
  if (role === 'activity') {
    set('subject', text(fields.subject));
    set('description', text(fields.description));
    set('activityDate', text(fields.activityDate));
    if (fields.regardingType === 'contact' && text(fields.regardingId)) {
      canonical.person = { ref: { type: 'contact', id: String(fields.regardingId) }, name: text(fields.regardingName) ?? String(fields.regardingId) };
    }
  }
  if (role === 'lead') set('status', text(fields.status));

  const display: Record<string, string> = {};
  if (canonical.organization) display.accountId = canonical.organization.name;
  if (canonical.person && role === 'case') display.contactId = canonical.person.name;
  for (const f of PHONE_FIELDS) {
    const value = text(fields[f]);
    if (value?.startsWith('+')) display[f] = displayPhone(value);
  }
  const typeLabel = DESCRIPTIONS[type]?.label ?? humanize(type);
  return { type, id, name, role, typeLabel, canonical, fields, ...(Object.keys(display).length ? { display } : {}) };
}
