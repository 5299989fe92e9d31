import type { FieldValue } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import type { TableMeta } from './metadata.js';
import { storedDateTime, toWireValue } from './records.js';

/** Column names: lower-case letters, digits and "_" (custom columns start with "u_"). */
const COLUMN = /^[a-z][a-z0-9_]{0,79}$/;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Field values as the Table API takes them; column names checked, since ServiceNow ignores unknown ones.
 * Records carry date-times as ISO instants (records.ts); a date-time column takes its stored form, UTC.
 */
export function wireBody(fields: Record<string, FieldValue>, meta?: TableMeta): Record<string, string> {
  const bad = Object.keys(fields).filter((field) => !COLUMN.test(field));
  if (bad.length > 0) {
    throw new CrmError(
      `not ServiceNow column names: ${bad.join(', ')}`,
      400,
      Object.fromEntries(bad.map((f) => [f, 'ServiceNow column names are lower-case letters, digits and "_" (e.g. "short_description")'])),
    );
  }
  return Object.fromEntries(
    Object.entries(fields).map(([field, value]) => {
      const described = meta?.description.fields[field];
      if (described?.kind === 'datetime' && typeof value === 'string' && ISO_INSTANT.test(value)) return [field, storedDateTime(value)];
      // Choice values go as sent: the form offers the CRM's own choices (describe), and a Custom Search compares
      // what was stored.
      return [field, toWireValue(value)];
    }),
  );
}

function refuse(reasons: Record<string, string>): never {
  throw new CrmError(
    Object.entries(reasons)
      .map(([f, why]) => `${f}: ${why}`)
      .join('; '),
    400,
    reasons,
  );
}

/**
 * What an update sends: only the fields that change, and only fields ServiceNow lets a person write.
 * A column the table does not have (by its dictionary, else by the record read with those columns asked),
 * a system column, or one its dictionary marks read-only or calculated is refused, naming each.
 */
export function checkUpdate(table: string, body: Record<string, string>, current: Record<string, FieldValue>, meta: TableMeta | undefined): Record<string, string> {
  const reasons: Record<string, string> = {};
  for (const field of Object.keys(body)) {
    const known = meta ? meta.columns.has(field) : field in current;
    if (!known) reasons[field] = `ServiceNow table "${table}" has no field "${field}"`;
    else if (field.startsWith('sys_') || meta?.description.fields[field]?.writable === false) {
      const label = meta?.description.fields[field]?.label;
      reasons[field] = `is read-only in ServiceNow table "${table}"${label ? ` (${label})` : ''}`;
    }
  }
  if (Object.keys(reasons).length > 0) refuse(reasons);
  // Journal fields (work notes, comments) read back empty: a value sent there is always a new entry.
  return Object.fromEntries(Object.entries(body).filter(([field, value]) => !(field in current) || toWireValue(current[field] ?? null) !== value));
}
