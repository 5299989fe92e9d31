import type { FieldValue } from '../../domain/crmRecord.js';
import type { FilterExpr } from '../filter.js';
import { CrmError } from '../port.js';

/**
 * ServiceNow encoded queries (sysparm_query), built only from checked parts.
 *
 * The language has no quoting and no escape: a condition is `<field><OPERATOR><value>` with the value running
 * to the next "^", "^OR" joins conditions into one clause (it binds tighter than "^", which is AND), and
 * "^NQ" starts a new OR'ed group. A value starting with "javascript:" is run as a server-side script. So a
 * value may never contain "^" or start with "javascript:"; such values are refused (HTTP 400 naming the
 * character), never sent. Field names are lower case (`[a-z0-9_]`, "." to dot-walk), so an upper-case
 * operator word cannot hide inside a field name.
 */
export type EncodedOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'STARTSWITH' | 'ISEMPTY' | 'ISNOTEMPTY' | 'IN';

export interface Condition {
  field: string;
  op: EncodedOperator;
  /** Absent for ISEMPTY / ISNOTEMPTY; comma-separated for IN. */
  value?: string;
}

/** Conditions OR'ed with "^OR". */
export type Clause = Condition[];
/** Clauses AND'ed with "^". */
export type Group = Clause[];

const FIELD = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** More groups than this ("^NQ") or conditions than that make a query too costly to send. */
const MAX_GROUPS = 16;
const MAX_CONDITIONS = 100;

/** Why a value cannot be written into an encoded query, or undefined when it can. */
export function unsafeValueReason(value: string): string | undefined {
  if (value.includes('^')) return 'contains "^", ServiceNow\'s condition separator, which encoded queries cannot escape';
  if (/^\s*javascript\s*:/i.test(value)) return 'starts with "javascript:", which ServiceNow would run as a script';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  const control = /[\u0000-\u001f\u007f]/.exec(value);
  if (control) return `contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return undefined;
}

/** One condition as text; `subject` names the input at fault in the CrmError (e.g. "filter", "email"). */
export function encodeCondition(condition: Condition, subject: string): string {
  const { field, op, value } = condition;
  if (!FIELD.test(field)) {
    throw new CrmError(`"${field}" is not a ServiceNow field name`, 400, {
      [subject]: `"${field}" is not a ServiceNow field name (lower-case letters, digits and "_", "." to follow a reference)`,
    });
  }
  if (op === 'ISEMPTY' || op === 'ISNOTEMPTY') return `${field}${op}`;
  const text = value ?? '';
  const reason = unsafeValueReason(text);
  if (reason) throw new CrmError(`the value for ${field} ${reason}`, 400, { [subject]: `the value for ${field} ${reason}` });
  if (op === 'IN' && text.split(',').some((item) => item === '')) {
    throw new CrmError(`IN needs a comma-separated list for ${field}`, 400, { [subject]: `an empty item in the list for ${field}` });
  }
  return `${field}${op}${text}`;
}

/** Groups (OR'ed with ^NQ) of clauses (AND'ed with ^) of conditions (OR'ed with ^OR), then the order. */
export function encodeQuery(groups: Group[], subject: string, orderBy: string[] = []): string {
  const where = groups
    .map((group) => group.map((clause) => clause.map((c) => encodeCondition(c, subject)).join('^OR')).join('^'))
    .filter(Boolean)
    .join('^NQ');
  const order = orderBy.map((o) => {
    const [dir, field] = o.startsWith('-') ? ['ORDERBYDESC', o.slice(1)] : ['ORDERBY', o];
    if (!FIELD.test(field)) throw new Error(`bad order field ${field}`);
    return `${dir}${field}`;
  });
  return [where, ...order].filter(Boolean).join('^');
}

/** A filter of our grammar, translated: the encoded query, the fields it reads, and the exact re-check. */
export interface TranslatedFilter {
  groups: Group[];
  /** Top-level columns the filter reads (the part before any "."), to check that the table has them. */
  fields: string[];
  /**
   * Re-checks contains / startswith literally on a returned record: ServiceNow runs them as SQL LIKE, where
   * "%" and "_" may act as wildcards, and it has no escape for them. Returns false only when the record
   * certainly does not match.
   */
  matches(fields: Record<string, FieldValue | undefined>): boolean;
}

/** Our filter field → the ServiceNow column: "id" is the sys_id; every other name is the column itself. */
function column(field: string): string {
  return field === 'id' ? 'sys_id' : field;
}

function atom(expr: Extract<FilterExpr, { kind: 'cmp' }>): Condition {
  const field = column(expr.field);
  const { op, value } = expr;
  const refuse = (why: string): never => {
    throw new CrmError(`filter: ${why}`, 400, { filter: why });
  };
  if (value === null) {
    if (op === '=') return { field, op: 'ISEMPTY' };
    if (op === '!=') return { field, op: 'ISNOTEMPTY' };
    return refuse(`${expr.field} ${op} null: null can only be compared with = or !=`);
  }
  const text = typeof value === 'string' ? value : String(value);
  switch (op) {
    case '=':
      return text === '' ? { field, op: 'ISEMPTY' } : { field, op: '=', value: text };
    case '!=':
      return text === '' ? { field, op: 'ISNOTEMPTY' } : { field, op: '!=', value: text };
    case 'contains':
    case 'startswith':
      if (typeof value !== 'string' || value === '') return refuse(`${expr.field} ${op} needs a non-empty text value`);
      return { field, op: op === 'contains' ? 'LIKE' : 'STARTSWITH', value: text };
    default:
      if (typeof value === 'boolean') return refuse(`${expr.field} ${op} ${text}: true and false can only be compared with = or !=`);
      return { field, op, value: text };
  }
}

/** Normal form: OR of groups, each an AND of clauses, each an OR of conditions (what ^NQ, ^ and ^OR say). */
function normalForm(expr: FilterExpr): Group[] {
  if (expr.kind === 'cmp') return [[[atom(expr)]]];
  const left = normalForm(expr.left);
  const right = normalForm(expr.right);
  let groups: Group[];
  if (expr.kind === 'or') {
    // a or b or c over single conditions stays one "^OR" clause; anything larger becomes "^NQ" groups.
    const single = (g: Group[]) => g.length === 1 && g[0]!.length === 1;
    groups = single(left) && single(right) ? [[[...left[0]![0]!, ...right[0]![0]!]]] : [...left, ...right];
  } else {
    // (A or B) and C = (A and C) or (B and C): exact, but it multiplies groups, hence the bound below.
    groups = left.flatMap((l) => right.map((r) => [...l, ...r]));
  }
  const conditions = groups.reduce((n, g) => n + g.reduce((m, c) => m + c.length, 0), 0);
  if (groups.length > MAX_GROUPS || conditions > MAX_CONDITIONS) {
    const why = `this mix of "and" and "or" needs more than ${MAX_GROUPS} ServiceNow query groups; simplify the parentheses`;
    throw new CrmError(`filter: ${why}`, 400, { filter: why });
  }
  return groups;
}

type Truth = boolean | undefined;

function literally(expr: FilterExpr, fields: Record<string, FieldValue | undefined>): Truth {
  if (expr.kind !== 'cmp') {
    const l = literally(expr.left, fields);
    const r = literally(expr.right, fields);
    if (expr.kind === 'and') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  if ((expr.op !== 'contains' && expr.op !== 'startswith') || typeof expr.value !== 'string') return undefined;
  const name = column(expr.field);
  if (name.includes('.') || !(name in fields)) return undefined;
  const actual = String(fields[name] ?? '').toLowerCase();
  const wanted = expr.value.toLowerCase();
  return expr.op === 'contains' ? actual.includes(wanted) : actual.startsWith(wanted);
}

function fieldsOf(expr: FilterExpr, into: Set<string>): Set<string> {
  if (expr.kind === 'cmp') into.add(column(expr.field).split('.')[0]!);
  else {
    fieldsOf(expr.left, into);
    fieldsOf(expr.right, into);
  }
  return into;
}

/** Translates our filter AST; throws CrmError(400, {filter}) for what ServiceNow cannot be asked safely. */
export function translateFilter(expr: FilterExpr): TranslatedFilter {
  const groups = normalForm(expr);
  // Encode once here so that an unsafe value fails before any call is made.
  encodeQuery(groups, 'filter');
  return {
    groups,
    fields: [...fieldsOf(expr, new Set())],
    matches: (fields) => literally(expr, fields) !== false,
  };
}
