/** A record in a CRM (account, contact, case, lead, task or any custom type), as every connector returns it. */
export interface CrmRecord {
  /** Record type as the CRM names it ("contact", "case", "work_order", ...). */
  type: string;
  /** The CRM's own identifier for the record. */
  id: string;
  /** A human label: a person's full name, an account name, a case subject. */
  name: string;
  /** Every field the CRM returned, by the CRM's field name. Values are text, numbers, booleans or null. */
  fields: Record<string, FieldValue>;
}

export type FieldValue = string | number | boolean | null;

/** Points at a record without carrying its data. */
export interface RecordRef {
  type: string;
  id: string;
}

export function refOf(record: RecordRef): RecordRef {
  return { type: record.type, id: record.id };
}

export function sameRef(a: RecordRef, b: RecordRef): boolean {
  return a.type === b.type && a.id === b.id;
}

export function refKey(ref: RecordRef): string {
  return `${ref.type}:${ref.id}`;
}
