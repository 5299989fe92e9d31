import type { ComparisonOp, FilterExpr, FilterValue } from '../filter.js';
import { CrmError } from '../port.js';
import { CHOICE_TYPES, LOOKUP_TYPES, plainColumn, type ColumnInfo, type TableInfo } from './metadata.js';
import { choiceValue, FieldError, guidOf } from './payload.js';

/**
 * The values of an OData query, as parameter aliases: the $filter says `lastname eq @p1` and the value travels
 * apart as `@p1='O''Brien'`. No value is ever spliced into the filter text; each alias value is an OData
 * literal with its quotes doubled, URL-encoded (dynamics-web-api sends query parameters as they are).
 */
export class ODataParams {
  private readonly byLiteral = new Map<string, string>();

  /** The alias of an OData literal (one alias per distinct literal). */
  alias(literal: string): string {
    let name = this.byLiteral.get(literal);
    if (!name) {
      name = `@p${this.byLiteral.size + 1}`;
      this.byLiteral.set(literal, name);
    }
    return name;
  }

  text(value: string): string {
    return this.alias(quote(value));
  }

  /** A text for contains/startswith: Dataverse reads % _ and [ as wildcards there, so each is bracketed. */
  pattern(value: string): string {
    return this.alias(quote(value.replace(/[[%_]/g, '[$&]')));
  }

  /** For dynamics-web-api's `queryParams`. */
  toQueryParams(): string[] {
    return [...this.byLiteral].map(([literal, name]) => `${name}=${encodeURIComponent(literal)}`);
  }
}

/** An OData string literal: single quotes, a quote inside doubled. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const OPERATORS: Record<Exclude<ComparisonOp, 'contains' | 'startswith'>, string> = {
  '=': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};
const BOOLEAN_WORDS = new Map([
  ['true', true],
  ['yes', true],
  ['false', false],
  ['no', false],
]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Thrown for a filter Dataverse cannot run as written; the ValidationError branch, naming the filter. */
function invalid(message: string): CrmError {
  return new CrmError(`Custom Search filter: ${message}`, 400, { filter: message });
}

/**
 * Our Custom Search filter (src/crm/filter.ts) as an OData $filter over a Dataverse table. Field names are
 * the table's columns (logical names), lookups by column or navigation property ("customerid" or
 * "customerid_contact", compared by record id), "id" for the primary key and "name" for the primary name
 * column when the table has no column called so. Choice columns compare by label or value. Text
 * comparisons are without regard to case, as Dataverse compares text.
 */
export function toODataFilter(expr: FilterExpr, table: TableInfo, params: ODataParams): string {
  if (expr.kind !== 'cmp') {
    return `(${toODataFilter(expr.left, table, params)} ${expr.kind} ${toODataFilter(expr.right, table, params)})`;
  }
  const { path, column } = resolveField(table, expr.field);
  const { op, value } = expr;
  if (op === 'contains' || op === 'startswith') {
    if (!isText(column)) throw invalid(`${expr.field} ${op}: only text columns can be searched for a part of their text`);
    if (value === null) throw invalid(`${expr.field} ${op}: needs a text value, not null`);
    return `${op}(${path},${params.pattern(String(value))})`;
  }
  if (value === null) {
    if (op !== '=' && op !== '!=') throw invalid(`${expr.field} ${op} null: null can only be compared with = or !=`);
    return `${path} ${OPERATORS[op]} null`;
  }
  return `${path} ${OPERATORS[op]} ${literalFor(expr.field, column, op, value, params)}`;
}

function isText(column: ColumnInfo): boolean {
  return column.type === 'String' || column.type === 'Memo' || column.type === 'EntityName';
}

function literalFor(field: string, column: ColumnInfo, op: ComparisonOp, value: Exclude<FilterValue, null>, params: ODataParams): string {
  const equality = op === '=' || op === '!=';
  if (isText(column)) return params.text(String(value));
  if (column.type === 'Uniqueidentifier' || LOOKUP_TYPES.has(column.type)) {
    const id = typeof value === 'string' ? guidOf(value) : null;
    if (!equality) throw invalid(`${field} ${op}: record ids can only be compared with = or !=`);
    if (!id) throw invalid(`${field}: "${String(value)}" is not a record id (a GUID)`);
    return params.alias(id);
  }
  if (CHOICE_TYPES.has(column.type)) {
    try {
      return params.alias(String(choiceValue(column, value)));
    } catch (error) {
      if (error instanceof FieldError) throw invalid(`${field}: ${error.message}`);
      throw error;
    }
  }
  switch (column.type) {
    case 'Integer':
    case 'BigInt':
    case 'Decimal':
    case 'Double':
    case 'Money': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : null;
      if (n === null) throw invalid(`${field}: "${String(value)}" is not a number`);
      return params.alias(String(n));
    }
    case 'Boolean': {
      const b = typeof value === 'boolean' ? value : BOOLEAN_WORDS.get(String(value).trim().toLowerCase());
      if (b === undefined) throw invalid(`${field}: "${String(value)}" is not true or false`);
      if (!equality) throw invalid(`${field} ${op}: yes/no columns can only be compared with = or !=`);
      return params.alias(String(b));
    }
    case 'DateTime': {
      if (typeof value !== 'string' || !ISO_DATE.test(value)) throw invalid(`${field}: "${String(value)}" is not a date (e.g. 2026-03-14 or 2026-03-14T09:30:00Z)`);
      return params.alias(value);
    }
    default:
      throw invalid(`${field}: columns of type ${column.type} cannot be searched`);
  }
}

/** The OData property a filter field names on this table, and its column. */
function resolveField(table: TableInfo, field: string): { path: string; column: ColumnInfo } {
  const lower = field.toLowerCase();
  const navigation = table.navigations.get(lower);
  if (navigation) {
    const column = table.columns.get(navigation.column) ?? plainColumn(navigation.column, 'Lookup');
    return { path: `_${navigation.column}_value`, column };
  }
  const column = table.columns.get(lower);
  if (column) {
    if (column.attributeOf) throw invalid(`${field}: this column is derived from ${column.attributeOf} and cannot be searched; search ${column.attributeOf} instead`);
    return { path: LOOKUP_TYPES.has(column.type) ? `_${column.name}_value` : column.name, column };
  }
  if (lower === 'id') return { path: table.primaryId, column: table.columns.get(table.primaryId) ?? plainColumn(table.primaryId, 'Uniqueidentifier') };
  if (lower === 'name' && table.primaryName) {
    const primary = table.columns.get(table.primaryName);
    if (primary) return { path: primary.name, column: primary };
  }
  throw invalid(`${table.logicalName} has no column "${field}"`);
}
