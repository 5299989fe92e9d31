import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import { canonicalOf, type LookupValue } from './canonical.js';
import { CHOICE_TYPES, type TableInfo } from './metadata.js';

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const NAVIGATION = '@Microsoft.Dynamics.CRM.associatednavigationproperty';
const LOGICAL_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
/**
 * Columns whose stored value is not what a person reads: choices (and yes/no columns, two-option choices
 * with their own labels, "Do Not Allow"), and money (in the record's currency). Dates are left to the card,
 * which shows them in the agent's time zone.
 */
const READ_AS_FORMATTED = new Set([...CHOICE_TYPES, 'MultiSelectPicklist', 'Boolean', 'Money']);
/** Keys dynamics-web-api adds for the annotations it reads (oDataContext, x_Formatted...); Dataverse names are lowercase. */
const LIBRARY_KEYS = /^oData|_(Formatted|NavigationProperty|LogicalName)$/;

/**
 * A Web API row (read with Prefer: odata.include-annotations="*") as a CrmRecord. This file and canonical.ts
 * are the one place where Dataverse's tables and columns become the port's record:
 * - a lookup `_parentcustomerid_value` becomes the field `parentcustomerid_account` (its navigation property,
 *   the name it is written with) holding the id; `display` holds the related record's name (FormattedValue);
 * - a choice column holds its stored value (2); `display` holds its label ("Normal"), as for yes/no and money;
 * - dates are ISO text; empty (null) columns are left out;
 * - `role`, `canonical` and `typeLabel` come from the table (canonical.ts).
 * `type` is the record's table (the table of the row, or its activity type for activity pointers).
 */
export function toRecord(table: TableInfo, row: Record<string, unknown>): CrmRecord {
  const fields: Record<string, FieldValue> = {};
  const display: Record<string, string> = {};
  const lookups = new Map<string, LookupValue>();
  for (const [key, value] of Object.entries(row)) {
    if (key.includes('@') || LIBRARY_KEYS.test(key) || value === null || value === undefined) continue;
    const lookup = /^_(.+)_value$/.exec(key);
    if (lookup) {
      const column = lookup[1]!;
      // Without the lookup annotations (a server that sends FormattedValue only), a lookup of one table is still known.
      const only = table.lookups.get(column)?.length === 1 ? table.lookups.get(column)![0] : undefined;
      const navigation = stringOr(row[`${key}${NAVIGATION}`], only?.name ?? column);
      const target = stringOr(row[`${key}${LOGICAL_NAME}`], only?.target ?? '') || undefined;
      const name = row[`${key}${FORMATTED}`];
      fields[navigation] = String(value);
      if (typeof name === 'string') display[navigation] = name;
      lookups.set(column, { id: String(value), target, name: typeof name === 'string' ? name : undefined });
      continue;
    }
    const column = table.columns.get(key);
    const formatted = row[`${key}${FORMATTED}`];
    if (value instanceof Date) {
      fields[key] = isoSeconds(value);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      fields[key] = value;
      if (column && READ_AS_FORMATTED.has(column.type) && typeof formatted === 'string') display[key] = formatted;
    }
    // Objects and arrays are expanded related records: not fields of this record.
  }
  const activityType = table.logicalName === 'activitypointer' && typeof row.activitytypecode === 'string' ? row.activitytypecode : undefined;
  const typeLabel = activityType ? stringOr(row[`activitytypecode${FORMATTED}`], activityType) : table.label;
  const id = String(row[table.primaryId] ?? '');
  const name = table.primaryName ? row[table.primaryName] : undefined;
  const { role, canonical } = canonicalOf(table.logicalName, table.columns.has('activitytypecode'), fields, display, lookups);
  return {
    type: activityType ?? table.logicalName,
    id,
    name: typeof name === 'string' && name.trim() ? name : id,
    role,
    typeLabel,
    canonical,
    fields,
    display,
  };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

/** Dataverse writes date-times to the second, in UTC: "2026-03-14T09:30:00Z". */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
