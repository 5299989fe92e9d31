import type { ComparisonOp, FilterExpr, FilterValue } from '../filter.js';
import { CrmError } from '../port.js';
import { isFieldPath, isSalesforceId, soqlLikeText, soqlString } from './soql.js';

/**
 * Our Custom Search filter (src/crm/filter.ts) as a SOQL WHERE condition. Every value becomes an escaped
 * literal; field names must be API names. Text comparisons are case-insensitive in SOQL, as our grammar
 * says; identifiers ("Id" and fields ending in "Id") compare exactly. Dates written as ISO text
 * ("2026-03-14", "2026-03-14T09:30:00Z") become SOQL date literals, since SOQL compares date fields only
 * with unquoted dates. What SOQL cannot say is refused with CrmError 400 naming the filter.
 */
export function filterToSoql(expr: FilterExpr): string {
  if (expr.kind !== 'cmp') {
    return `(${filterToSoql(expr.left)}) ${expr.kind === 'and' ? 'AND' : 'OR'} (${filterToSoql(expr.right)})`;
  }
  return comparison(expr.field, expr.op, expr.value);
}

function refuse(message: string): never {
  throw new CrmError(`the filter cannot be expressed in SOQL: ${message}`, 400, { filter: message });
}

function comparison(field: string, op: ComparisonOp, value: FilterValue): string {
  if (!isFieldPath(field)) refuse(`"${field}" is not a Salesforce field name`);
  const isId = field === 'id' || field.endsWith('Id');

  if (value === null) {
    if (op === '=' || op === '!=') return `${field} ${op} null`;
    refuse(`${field} ${op} null: only = and != compare with null`);
  }
  if (typeof value === 'boolean') {
    if (op === '=' || op === '!=') return `${field} ${op} ${value}`;
    refuse(`${field} ${op} ${value}: only = and != compare with true or false`);
  }
  if (op === 'contains' || op === 'startswith') {
    if (isId) refuse(`${field} ${op}: identifiers are compared whole, with = or !=`);
    return `${field} LIKE '${op === 'contains' ? '%' : ''}${soqlLikeText(String(value))}%'`;
  }
  if (typeof value === 'number') return `${field} ${op} ${numberLiteral(value)}`;

  if (isId) {
    if (isSalesforceId(value)) return `${field} ${op} ${soqlString(value)}`;
    // No record can have an id of another form, and every record has an id: "matches nothing" and
    // "matches everything" said in SOQL, which would refuse the malformed id itself.
    if (op === '=') return 'Id = null';
    if (op === '!=') return 'Id != null';
    refuse(`${field} ${op} "${value}": not a Salesforce id`);
  }
  return `${field} ${op} ${dateLiteral(value) ?? soqlString(value)}`;
}

function numberLiteral(value: number): string {
  const text = String(value);
  if (!Number.isFinite(value) || /e/i.test(text)) refuse(`${text} is not a number SOQL can read`);
  return text;
}

/** An ISO date or date-time as a SOQL literal (unquoted), or undefined for other text. */
function dateLiteral(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (match && !Number.isNaN(Date.parse(value))) return `${match[1]}${match[2]}`;
  return undefined;
}
