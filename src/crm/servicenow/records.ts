import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import type { ServiceNowRow } from './http.js';
import { TABLES } from './tables.js';

/**
 * A Table API value as a field value. Values come as text (sysparm_display_value=false); a reference comes
 * as {"value", "link"} unless links are excluded, and as {"value", "display_value"} with display values.
 * ServiceNow does not tell an empty value from a missing one: both are "", read as null.
 */
export function flatValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && 'value' in value) return flatValue((value as { value: unknown }).value);
  return JSON.stringify(value);
}

export function flatFields(row: ServiceNowRow): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(row).map(([field, value]) => [field, flatValue(value)]));
}

const PEOPLE: readonly string[] = [TABLES.contact, TABLES.consumer, TABLES.user];

/** The label a record shows under: a person's name, an account's name, a case's number and subject. */
export function recordName(table: string, fields: Record<string, FieldValue>, sysId: string): string {
  const text = (v: FieldValue | undefined) => (v === null || v === undefined ? '' : String(v).trim());
  const person = [text(fields.first_name), text(fields.last_name)].filter(Boolean).join(' ');
  if (PEOPLE.includes(table)) return text(fields.name) || person || text(fields.email) || text(fields.user_name) || sysId;
  if (table === TABLES.journal) return text(fields.value).split('\n')[0]!.slice(0, 200) || sysId;
  const numbered = [text(fields.number), text(fields.short_description)].filter(Boolean).join(' ');
  return text(fields.name) || numbered || person || sysId;
}

/** A Table API row as the port's record: the table is the type, the sys_id the id. */
export function toRecord(table: string, row: ServiceNowRow): CrmRecord {
  const fields = flatFields(row);
  const id = String(fields.sys_id ?? '');
  return { type: table, id, name: recordName(table, fields, id), fields };
}

/** A field value as the Table API takes it: text; null clears the field. */
export function toWireValue(value: FieldValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : String(value);
}
