import type { FieldDescription, RecordTypeDescription } from '../port.js';
import { CANONICAL_COLUMNS } from './canonical.js';
import { CHOICE_TYPES, LOOKUP_TYPES, type ColumnInfo, type TableInfo } from './metadata.js';

/**
 * Column types a person never reads: ids, the state (statuscode says it in words), type names, images and
 * other virtual columns, party lists.
 */
const HIDDEN_TYPES = new Set(['Uniqueidentifier', 'State', 'Virtual', 'EntityName', 'ManagedProperty', 'PartyList', 'CalendarRules', 'Image', 'File']);
/** System columns Dataverse shows on no form of its own, named in case an environment's metadata lets one through. */
const SYSTEM_COLUMNS = new Set([
  'versionnumber',
  'owningbusinessunit',
  'owninguser',
  'owningteam',
  'importsequencenumber',
  'timezoneruleversionnumber',
  'utcconversiontimezonecode',
  'overriddencreatedon',
  'processid',
  'stageid',
  'traversedpath',
  'exchangerate',
]);

/**
 * Whether a person reads this column on a card: readable, on forms, not derived from another column
 * ("parentcustomeridname" is the lookup's name, shown with the lookup), not internal, and labelled.
 */
export function isShown(table: TableInfo, column: ColumnInfo): boolean {
  return (
    column.readable && column.onForms && column.attributeOf === null && column.name !== table.primaryId && !HIDDEN_TYPES.has(column.type) && !SYSTEM_COLUMNS.has(column.name) && column.label !== ''
  );
}

/**
 * The $select of a read: the shown columns (lookups as _x_value), the primary id and name, and the columns
 * the canonical fields come from. Without it Dataverse returns every column (versions, owners' ids...).
 */
export function selectOf(table: TableInfo): string[] {
  const names = new Set<string>([table.primaryId]);
  if (table.primaryName) names.add(table.primaryName);
  for (const column of table.columns.values()) {
    if (isShown(table, column) || (CANONICAL_COLUMNS.includes(column.name) && column.readable)) names.add(column.name);
  }
  if (table.columns.has('statuscode')) names.add('statuscode');
  return [...names].map((name) => (LOOKUP_TYPES.has(table.columns.get(name)?.type ?? '') ? `_${name}_value` : name));
}

/**
 * A table as the port describes it: its label, and each shown column by the name records carry it under
 * (a lookup by each of its navigation properties, as toRecord names it), with label, kind, writability
 * (IsValidForUpdate), and for choices their values (as text) and labels, and the default (DefaultFormValue).
 */
export function describeTable(table: TableInfo): RecordTypeDescription {
  const fields: Record<string, FieldDescription> = {};
  for (const column of table.columns.values()) {
    if (!isShown(table, column)) continue;
    const description: FieldDescription = { label: column.label, kind: kindOf(column), writable: column.updatable };
    if (column.options && (CHOICE_TYPES.has(column.type) || column.type === 'MultiSelectPicklist')) {
      description.choices = column.options.map((o) => ({ value: String(o.value), label: o.label }));
      if (column.defaultValue !== undefined) description.defaultValue = String(column.defaultValue);
    }
    const navigations = LOOKUP_TYPES.has(column.type) ? (table.lookups.get(column.name) ?? []) : [];
    if (navigations.length === 0) fields[column.name] = description;
    for (const navigation of navigations) fields[navigation.name] = description;
  }
  return { type: table.logicalName, label: table.label, fields };
}

function kindOf(column: ColumnInfo): FieldDescription['kind'] {
  if (LOOKUP_TYPES.has(column.type)) return 'reference';
  if (CHOICE_TYPES.has(column.type) || column.type === 'MultiSelectPicklist') return 'choice';
  switch (column.type) {
    case 'Integer':
    case 'BigInt':
    case 'Decimal':
    case 'Double':
    case 'Money':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'datetime';
    default:
      return column.format === 'Phone' ? 'phone' : column.format === 'Email' ? 'email' : 'text';
  }
}
