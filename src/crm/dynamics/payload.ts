import type { FieldValue } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import { LOOKUP_TYPES, type ColumnInfo, type Navigation, type TableInfo } from './metadata.js';

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** The GUID of a Dataverse record id ("{...}" accepted), lowercased; null when the text is not one. */
export function guidOf(id: string): string | null {
  const match = GUID.exec(id.trim());
  return match ? match[1]!.toLowerCase() : null;
}

export interface Payload {
  /** The request body: columns, and lookups as "<navigation>@odata.bind": "/<set>(<id>)". */
  body: Record<string, unknown>;
  /** Every name a Dataverse message may quote, lowercased, mapped to the field the caller sent. */
  fieldNames: Map<string, string>;
  /** Fields left out because the metadata says they cannot be written (derived names, system columns). */
  readOnly: string[];
}

/**
 * Fields in the CRM's names (as workflows and the Customer Card use them) as a Web API body. Values are
 * converted to the column's type: numbers and booleans from text (memorialization writes text), choice
 * labels to their values, record ids of lookups to @odata.bind references. A value that cannot fit its
 * column is a CrmError 400 naming the field. Columns the metadata says cannot be written on a `mode`
 * (IsValidForCreate / IsValidForUpdate false, or derived like "parentcustomeridname") are left out and
 * named in `readOnly`: Dataverse would refuse the whole request for them ("Invalid property"). Names the
 * table does not have go to Dataverse as they are: its answer names them.
 */
export function toPayload(table: TableInfo, fields: Record<string, FieldValue>, mode: 'create' | 'update'): Payload {
  const body: Record<string, unknown> = {};
  const fieldNames = new Map<string, string>();
  const errors: Record<string, string> = {};
  const readOnly: string[] = [];
  const writable = (column: ColumnInfo | undefined) => !column || (column.attributeOf === null && (mode === 'create' ? column.creatable : column.updatable));
  for (const [field, value] of Object.entries(fields)) {
    fieldNames.set(field.toLowerCase(), field);
    try {
      const navigation = table.navigations.get(field.toLowerCase()) ?? singleNavigation(table, field);
      if (navigation) {
        if (!writable(table.columns.get(navigation.column))) {
          readOnly.push(field);
          continue;
        }
        fieldNames.set(navigation.column, field);
        Object.assign(body, bind(navigation, value));
        continue;
      }
      const column = table.columns.get(field.toLowerCase());
      if (!writable(column)) {
        readOnly.push(field);
        continue;
      }
      body[column?.name ?? field] = column ? convert(column, value) : value;
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      errors[field] = error.message;
    }
  }
  if (Object.keys(errors).length > 0) {
    const [first] = Object.entries(errors);
    throw new CrmError(`Dynamics 365 cannot take ${first![0]}: ${first![1]}`, 400, errors);
  }
  return { body, fieldNames, readOnly };
}

class FieldError extends Error {}

/** A lookup column named by its logical name ("parentaccountid") is written through its one navigation property. */
function singleNavigation(table: TableInfo, field: string): Navigation | undefined {
  const column = table.columns.get(field.toLowerCase());
  if (!column || !LOOKUP_TYPES.has(column.type)) return undefined;
  const navigations = table.lookups.get(column.name) ?? [];
  if (navigations.length === 1) return navigations[0];
  throw new FieldError(
    navigations.length
      ? `is a lookup to ${navigations.map((n) => n.target).join(' or ')}: write ${navigations.map((n) => n.name).join(' or ')} instead`
      : 'is a lookup Dynamics 365 does not let this connector write',
  );
}

function bind(navigation: Navigation, value: FieldValue): Record<string, unknown> {
  // A null on the navigation property clears the lookup.
  if (value === null || value === '') return { [navigation.name]: null };
  const id = typeof value === 'string' ? guidOf(value) : null;
  if (!id) throw new FieldError(`"${String(value)}" is not the id of a ${navigation.target} record (a GUID)`);
  return { [`${navigation.name}@odata.bind`]: `/${navigation.targetSet}(${id})` };
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/** A value for a column of this type, or a FieldError saying why it cannot be. */
function convert(column: ColumnInfo, value: FieldValue): unknown {
  if (value === null) return null;
  switch (column.type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return String(value);
    case 'Integer':
    case 'BigInt': {
      const n = numberOf(value);
      if (n === null || !Number.isInteger(n)) throw new FieldError(`"${String(value)}" is not a whole number`);
      return n;
    }
    case 'Decimal':
    case 'Double':
    case 'Money': {
      const n = numberOf(value);
      if (n === null) throw new FieldError(`"${String(value)}" is not a number`);
      return n;
    }
    case 'Boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      throw new FieldError(`"${String(value)}" is not yes or no (true or false)`);
    }
    case 'Picklist':
    case 'State':
    case 'Status':
      return choiceValue(column, value);
    case 'MultiSelectPicklist':
      return String(value)
        .split(/[;,]/)
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => choiceValue(column, part))
        .join(',');
    default:
      return value;
  }
}

function numberOf(value: FieldValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A choice's value from its value or its label (without regard to case). */
export function choiceValue(column: ColumnInfo, value: FieldValue): number {
  const options = column.options ?? [];
  const n = numberOf(value ?? '');
  if (n !== null && Number.isInteger(n)) return n;
  const text = String(value).trim().toLowerCase();
  const option = options.find((o) => o.label.toLowerCase() === text);
  if (!option) {
    const labels = options.map((o) => o.label).join(', ');
    throw new FieldError(`"${String(value)}" is not a choice of ${column.name}${labels ? ` (${labels})` : ''}`);
  }
  return option.value;
}

export { FieldError };
