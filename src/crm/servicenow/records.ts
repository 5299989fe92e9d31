import type { CanonicalFields, CrmRecord, FieldValue, RecordRole, RelatedRecord } from '../../domain/crmRecord.js';
import type { ServiceNowRow } from './http.js';
import { TABLES } from './tables.js';

/**
 * The one place where ServiceNow tables and columns become the card's roles and canonical fields.
 * Rows are read with sysparm_display_value=all: each column comes as {"value", "display_value"}, so a
 * reference carries the referenced record's display value (its name or number) and a choice its label.
 */

/** A reference column and the table it points at (its dictionary's "reference"). */
interface RefColumn {
  column: string;
  table: string;
}

interface CanonicalColumns {
  role: RecordRole;
  label: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Phone columns, the main one first. */
  phones?: readonly string[];
  organization?: RefColumn;
  /** The first of these with a value is the person. */
  person?: readonly RefColumn[];
  caseNumber?: string;
  subject?: string;
  status?: string;
  priority?: string;
  description?: string;
  /** The first of these with a value dates the record. */
  activityDate?: readonly string[];
}

const CONTACT: RefColumn = { column: 'contact', table: TABLES.contact };
const CONSUMER: RefColumn = { column: 'consumer', table: TABLES.consumer };
const ACCOUNT: RefColumn = { column: 'account', table: TABLES.account };
const COMPANY: RefColumn = { column: 'company', table: 'core_company' };
const PERSON_NAME = { firstName: 'first_name', lastName: 'last_name', email: 'email' } as const;

/** Tables the connector knows, with their display names (the type labels of a base instance). */
const MAPPINGS: Readonly<Record<string, CanonicalColumns>> = {
  [TABLES.contact]: { role: 'person', label: 'Contact', ...PERSON_NAME, phones: ['phone', 'mobile_phone', 'home_phone'], organization: ACCOUNT },
  [TABLES.consumer]: { role: 'person', label: 'Consumer', ...PERSON_NAME, phones: ['business_phone', 'mobile_phone', 'home_phone'] },
  [TABLES.user]: { role: 'person', label: 'User', ...PERSON_NAME, phones: ['phone', 'mobile_phone', 'home_phone'], organization: COMPANY },
  [TABLES.account]: { role: 'organization', label: 'Account', phones: ['phone'] },
  [TABLES.case]: {
    role: 'case',
    label: 'Case',
    caseNumber: 'number',
    subject: 'short_description',
    status: 'state',
    priority: 'priority',
    description: 'description',
    person: [CONTACT, CONSUMER],
    organization: ACCOUNT,
  },
  [TABLES.incident]: {
    role: 'case',
    label: 'Incident',
    caseNumber: 'number',
    subject: 'short_description',
    status: 'state',
    priority: 'priority',
    description: 'description',
    person: [{ column: 'caller_id', table: TABLES.user }],
    organization: COMPANY,
  },
  [TABLES.interaction]: {
    role: 'activity',
    label: 'Interaction',
    subject: 'short_description',
    status: 'state',
    activityDate: ['opened_at', 'sys_created_on'],
    person: [CONTACT, CONSUMER, { column: 'opened_for', table: TABLES.user }],
    organization: ACCOUNT,
  },
  [TABLES.journal]: { role: 'activity', label: 'Work note', activityDate: ['sys_created_on'] },
};

/** The columns a search reads of a known table to fill the canonical fields. */
export function canonicalColumns(table: string): string[] {
  const m = MAPPINGS[table];
  if (!m) return [];
  const refs = [...(m.person ?? []), ...(m.organization ? [m.organization] : [])].map((r) => r.column);
  const plain = [m.firstName, m.lastName, m.email, m.caseNumber, m.subject, m.status, m.priority, m.description];
  return [...new Set([...plain.filter((c): c is string => !!c), ...(m.phones ?? []), ...refs, ...(m.activityDate ?? [])])];
}

/** Tables of the connector's catalogue that hold records of a role. */
export function tablesOfRole(role: RecordRole): string[] {
  return Object.entries(MAPPINGS)
    .filter(([table, m]) => m.role === role && table !== TABLES.user)
    .map(([table]) => table);
}

/** One column of a row: its stored value and, where a person reads something else, that. */
interface Cell {
  value: FieldValue;
  display?: string;
}

/**
 * A Table API column as a value and a display value. With sysparm_display_value=all a column is
 * {"display_value", "value"} (references add "link" unless excluded); with false, the bare value.
 * ServiceNow does not tell an empty value from a missing one: both are "", read as null.
 */
function readCell(raw: unknown): Cell {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw === 'string') return { value: raw === '' ? null : raw };
  if (typeof raw === 'number' || typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'object' && 'value' in raw) {
    const { value, display_value: display } = raw as { value: unknown; display_value?: unknown };
    const cell = readCell(value);
    return typeof display === 'string' && display !== '' ? { ...cell, display } : cell;
  }
  return { value: JSON.stringify(raw) };
}

/** "2026-03-04 10:20:30" (a stored date-time, always UTC) → an ISO instant; other text unchanged. */
function instantOf(value: FieldValue | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  if (m) return `${m[1]}T${m[2]}.000Z`;
  return Number.isNaN(Date.parse(value)) ? undefined : value;
}

/** An ISO instant as ServiceNow stores a date-time: "YYYY-MM-DD HH:mm:ss", UTC. */
export function storedDateTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

const STORED_DATE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;
const STORED_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function flatFields(row: ServiceNowRow): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(row).map(([field, raw]) => [field, readCell(raw).value]));
}

const PEOPLE: readonly string[] = [TABLES.contact, TABLES.consumer, TABLES.user];

/** The label a record shows under: a person's name, an account's name, a case's number and subject. */
function recordName(table: string, fields: Record<string, FieldValue>, sysId: string): string {
  const text = (v: FieldValue | undefined) => (v === null || v === undefined ? '' : String(v).trim());
  const person = [text(fields.first_name), text(fields.last_name)].filter(Boolean).join(' ');
  if (PEOPLE.includes(table)) return text(fields.name) || person || text(fields.email) || text(fields.user_name) || sysId;
  if (table === TABLES.journal) return noteParts(text(fields.value)).subject.slice(0, 200) || sysId;
  const numbered = [text(fields.number), text(fields.short_description)].filter(Boolean).join(' ');
  return text(fields.name) || numbered || person || sysId;
}

/** The marker line the timeline ends its notes with: "[cc-activity-<hash>]" or "[cc-activity-<hash> <ISO instant>]". */
export const MARKER_LINE = /\n?\[(cc-activity-[0-9a-f]{32})(?: (\d{4}-\d{2}-\d{2}T[0-9:.]+Z))?\]\s*$/;

/** A work note as subject (first line), description (the rest, without the marker) and the time it names. */
function noteParts(note: string): { subject: string; description: string; at?: string } {
  const marker = MARKER_LINE.exec(note);
  const body = marker ? note.slice(0, marker.index) : note;
  return { subject: body.split('\n')[0]!.trim(), description: body.trim(), at: marker?.[2] };
}

export interface RecordOptions {
  /** The type's label from its metadata, for a table the connector does not know. */
  typeLabel?: string;
  /** An interaction's work note (its description), read from the journal. */
  note?: string;
}

/** A Table API row as the port's record: the table is the type, the sys_id the id. */
export function toRecord(table: string, row: ServiceNowRow, options: RecordOptions = {}): CrmRecord {
  const fields: Record<string, FieldValue> = {};
  const display: Record<string, string> = {};
  for (const [field, raw] of Object.entries(row)) {
    const cell = readCell(raw);
    // A stored date-time is UTC without a zone: as an ISO instant nobody reads it as local time.
    fields[field] = typeof cell.value === 'string' && STORED_DATE_TIME.test(cell.value) ? instantOf(cell.value)! : cell.value;
    // Date-times display in the integration user's time zone: the card formats the stored UTC value itself.
    if (cell.display !== undefined && cell.value !== null && cell.display !== String(cell.value) && !STORED_DATE.test(String(cell.value))) {
      display[field] = cell.display;
    }
  }
  const id = String(fields.sys_id ?? '');
  const mapping = MAPPINGS[table];
  return {
    type: table,
    id,
    name: recordName(table, fields, id),
    role: mapping?.role ?? 'other',
    typeLabel: mapping?.label ?? options.typeLabel ?? table,
    canonical: mapping ? canonicalOf(table, mapping, fields, display, options.note) : {},
    fields,
    ...(Object.keys(display).length > 0 ? { display } : {}),
  };
}

function canonicalOf(table: string, m: CanonicalColumns, fields: Record<string, FieldValue>, display: Record<string, string>, note: string | undefined): CanonicalFields {
  const text = (column: string | undefined) => {
    const v = column ? fields[column] : undefined;
    return v === null || v === undefined || v === '' ? undefined : String(v);
  };
  const shown = (column: string | undefined) => (column && display[column]) || text(column);
  const related = (ref: RefColumn): RelatedRecord | undefined => {
    const id = text(ref.column);
    return id ? { ref: { type: ref.table, id }, name: display[ref.column] ?? '' } : undefined;
  };
  const out: CanonicalFields = {
    firstName: text(m.firstName),
    lastName: text(m.lastName),
    email: text(m.email),
    caseNumber: text(m.caseNumber),
    subject: text(m.subject),
    status: shown(m.status),
    priority: shown(m.priority),
    description: text(m.description),
  };
  const phones = (m.phones ?? []).map(text).filter((p): p is string => !!p);
  if (phones.length > 0) out.phones = phones;
  const organization = m.organization && related(m.organization);
  if (organization) out.organization = organization;
  const person = (m.person ?? []).map(related).find(Boolean);
  if (person) out.person = person;
  const dated = (m.activityDate ?? []).map((c) => instantOf(fields[c])).find(Boolean);
  if (dated) out.activityDate = dated;
  if (table === TABLES.journal) {
    const parts = noteParts(text('value') ?? '');
    Object.assign(out, { subject: parts.subject || undefined, description: parts.description || undefined });
    if (parts.at) out.activityDate = parts.at;
  }
  if (note !== undefined) {
    const parts = noteParts(note);
    out.description = parts.description || undefined;
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as CanonicalFields;
}

/** A field value as the Table API takes it: text; null clears the field. */
export function toWireValue(value: FieldValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : String(value);
}
