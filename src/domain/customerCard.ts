import type { FieldValue, RecordRef } from './crmRecord.js';
import { durationSeconds, type Interaction, type InteractionRecordLink, type RecordOrigin } from './interaction.js';

/** One field as the card shows it. */
export interface FieldView {
  label: string;
  value: string;
}

export interface RecordView {
  ref: RecordRef;
  typeLabel: string;
  name: string;
  fields: FieldView[];
  linked: boolean;
  origin: RecordOrigin;
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
}

export interface CrmWriteView {
  what: 'timeline' | 'memorialization';
  record: string;
  /** superseded: not written, because a later interaction's data was saved to the record first. */
  status: 'pending' | 'running' | 'done' | 'dead' | 'superseded';
  /** Why it failed for good, for a dead write. */
  error: string | null;
}

export interface DisplayFieldMapping {
  field: string;
  label: string;
  order?: number;
}

const TYPE_LABELS: Record<string, string> = {
  account: 'Account',
  contact: 'Contact',
  case: 'Case',
  lead: 'Lead',
  task: 'Activity',
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type.replace(/[_.]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** The fields of a record to show, per the configuration's dynamic data mappings (in their order). */
export function displayFields(
  type: string,
  fields: Record<string, FieldValue>,
  mappings: Record<string, DisplayFieldMapping[]>,
): FieldView[] {
  const mapping = mappings[type];
  if (!mapping) {
    // An unmapped type (a custom record) shows its first few fields, so it is never an empty box.
    return Object.entries(fields)
      .filter(([key, value]) => value !== null && value !== '' && !key.endsWith('Id'))
      .slice(0, 4)
      .map(([key, value]) => ({ label: key, value: String(value) }));
  }
  return [...mapping]
    .map((m, index) => ({ ...m, index }))
    .sort((a, b) => (a.order ?? a.index) - (b.order ?? b.index))
    .filter((m) => fields[m.field] !== undefined && fields[m.field] !== null && fields[m.field] !== '')
    .map((m) => ({ label: m.label, value: String(fields[m.field]) }));
}

export function toRecordView(link: InteractionRecordLink, mappings: Record<string, DisplayFieldMapping[]>): RecordView {
  return {
    ref: { type: link.recordType, id: link.recordId },
    typeLabel: typeLabel(link.recordType),
    name: link.label,
    fields: displayFields(link.recordType, link.fields, mappings),
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
}): CustomerCardView {
  const views = input.links.map((link) => toRecordView(link, input.mappings));
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
  };
}
