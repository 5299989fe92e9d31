import type { FieldValue, RecordRef, RecordRole } from './crmRecord.js';
import type { DigitalCardView } from './digital.js';
import { durationSeconds, type Interaction, type InteractionRecordLink, type RecordOrigin } from './interaction.js';
import { formatWhen } from './timeZone.js';

/** One field as the card shows it. */
export interface FieldView {
  label: string;
  value: string;
}

export interface RecordView {
  ref: RecordRef;
  /** What the record is to the card: the card decides by it (New case on a linked person...). */
  role: RecordRole;
  typeLabel: string;
  name: string;
  fields: FieldView[];
  linked: boolean;
  origin: RecordOrigin;
  /** For a match of the caller's number: the number it matched on, formatted (several matches: choose). */
  matchedOn?: string;
}

export interface Notice {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

/** Everything the Customer Card of one interaction shows, independent of how it is drawn. */
export interface CustomerView {
  id: string;
  name: string;
  identifiers: string[];
  /** Interactions of this customer so far, this one included. */
  interactions: number;
  /** Other customers who may be the same person (by name, phone, email, or the agent's search). */
  duplicates: Array<{ id: string; name: string; identifiers: string[] }>;
  /** The search the agent typed in the merge dialog, if any. */
  duplicateQuery?: string;
}

export interface CustomerCardView {
  interaction: Interaction & { durationSeconds: number };
  customer: CustomerView | null;
  /** Who handles it: only they act on the card; their Teams id names them in the card's refresh. */
  owner: { name: string; teamsUserId: string | null };
  /** Current Interaction: linked (pinned) records, including those created during the interaction. */
  current: RecordView[];
  /** Related Interactions: search results and records from earlier interactions, not linked. */
  related: RecordView[];
  notice?: Notice;
  /** The latest activities of the linked records, newest first. */
  activities: Array<{ record: string; subject: string; when: string }>;
  /** After ACW: each CRM write it queued and how it stands (SPEC: timeline and data memorialization). */
  crmWrites: CrmWriteView[];
  dispositions: readonly string[];
  /** Which workflows the configuration enables, so the card offers only what will work. */
  can: { createContact: boolean; createCase: boolean; createCustom: boolean; update: boolean; search: boolean };
  /** The agent's IANA time zone: dates and times on the card read in it (UTC when unknown). */
  timeZone: string | null;
  /** The New case form's priority: the CRM's own choices and default (describe of its case type), when known. */
  casePriority?: { choices: Array<{ value: string; label: string }>; defaultValue?: string };
  /** A digital interaction's thread: header, transcript, reply and outcome (absent for a call). */
  digital?: DigitalCardView;
}

export interface CrmWriteView {
  what: 'timeline' | 'memorialization';
  record: string;
  /**
   * superseded: not written, because a later interaction's data was saved to the record first; nothing: no
   * memorialization mapping covers the record, so there was nothing to write.
   */
  status: 'pending' | 'running' | 'done' | 'dead' | 'superseded' | 'nothing';
  /** Why it failed for good, for a dead write. */
  error: string | null;
}

export interface DisplayFieldMapping {
  field: string;
  label: string;
  order?: number;
}

/** A type's label when its CRM gave none (a snapshot from before the canonical model): its name, readable. */
export function typeLabel(type: string): string {
  return type
    .replace(/[_.]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^\w/, (c) => c.toUpperCase());
}

/** A record's fields as the card reads them: the CRM's values, and what a person reads for some of them. */
export interface ShownRecord {
  type: string;
  fields: Record<string, FieldValue>;
  display?: Record<string, string>;
}

/** One field's value as a person reads it: a reference's name, a choice's label, a time in their zone. */
export function shownValue(record: ShownRecord, field: string, timeZone: string | null): string {
  const display = record.display?.[field];
  if (display !== undefined) return display;
  const value = record.fields[field];
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? formatWhen(value, timeZone) : String(value);
}

/** The fields of a record to show, per the configuration's dynamic data mappings (in their order). */
export function displayFields(record: ShownRecord, mappings: Record<string, DisplayFieldMapping[]>, timeZone: string | null = null): FieldView[] {
  const present = (field: string) => record.fields[field] !== undefined && record.fields[field] !== null && record.fields[field] !== '';
  const mapping = mappings[record.type];
  if (!mapping) {
    // An unmapped type (a custom record) shows its first few fields, so it is never an empty box; a bare
    // reference (an id with no name to show) says nothing to a person.
    return Object.keys(record.fields)
      .filter((key) => present(key) && (record.display?.[key] !== undefined || !key.endsWith('Id')))
      .slice(0, 4)
      .map((key) => ({ label: key, value: shownValue(record, key, timeZone) }));
  }
  return [...mapping]
    .map((m, index) => ({ ...m, index }))
    .sort((a, b) => (a.order ?? a.index) - (b.order ?? b.index))
    .filter((m) => present(m.field))
    .map((m) => ({ label: m.label, value: shownValue(record, m.field, timeZone) }));
}

/** A person's (or case's) organization stays on the card by name, whatever fields the mappings show. */
function withOrganization(fields: FieldView[], link: InteractionRecordLink): FieldView[] {
  const organization = link.canonical?.organization;
  if (!organization || link.role === 'organization' || fields.some((f) => f.value === organization.name)) return fields;
  return [{ label: 'Organization', value: organization.name }, ...fields];
}

export function toRecordView(link: InteractionRecordLink, mappings: Record<string, DisplayFieldMapping[]>, timeZone: string | null = null): RecordView {
  return {
    ref: { type: link.recordType, id: link.recordId },
    role: link.role ?? 'other',
    typeLabel: link.typeLabel ?? typeLabel(link.recordType),
    name: link.label,
    fields: withOrganization(displayFields({ type: link.recordType, fields: link.fields, display: link.display }, mappings, timeZone), link),
    linked: link.linked,
    origin: link.origin,
  };
}

export function buildCustomerCardView(input: {
  interaction: Interaction;
  customer?: CustomerView | null;
  owner: CustomerCardView['owner'];
  links: InteractionRecordLink[];
  mappings: Record<string, DisplayFieldMapping[]>;
  dispositions: readonly string[];
  can: CustomerCardView['can'];
  now: Date;
  notice?: Notice;
  crmWrites?: CrmWriteView[];
  timeZone?: string | null;
  casePriority?: CustomerCardView['casePriority'];
  /** The caller's number as people read it, shown on each of several matches of it. */
  matchedNumber?: string;
  digital?: DigitalCardView;
}): CustomerCardView {
  const timeZone = input.timeZone ?? null;
  const views = input.links.map((link) => {
    const view = toRecordView(link, input.mappings, timeZone);
    return input.matchedNumber && link.origin === 'ani' && !link.linked && view.role !== 'case' ? { ...view, matchedOn: input.matchedNumber } : view;
  });
  return {
    interaction: { ...input.interaction, durationSeconds: durationSeconds(input.interaction, input.now) },
    owner: input.owner,
    customer: input.customer ?? null,
    current: views.filter((v) => v.linked),
    activities: input.links
      .filter((l) => l.linked)
      .flatMap((l) => (l.activities ?? []).map((a) => ({ record: l.label, ...a })))
      .sort((a, b) => b.when.localeCompare(a.when)),
    related: views.filter((v) => !v.linked),
    notice: input.notice,
    crmWrites: input.crmWrites ?? [],
    dispositions: input.dispositions,
    can: input.can,
    timeZone,
    ...(input.casePriority ? { casePriority: input.casePriority } : {}),
    ...(input.digital ? { digital: input.digital } : {}),
  };
}
