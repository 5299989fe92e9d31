import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import type { FilterExpr } from '../filter.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './records.js';

/**
 * The exact check of a Zendesk search's candidates against the whole filter (see searchQuery.ts): Zendesk's
 * search finds words, so what it answers is a superset, and this decides.
 */

export type FieldKind = 'text' | 'id' | 'enum' | 'status' | 'priority' | 'date' | 'other';

export interface SearchField {
  /** The Search API keyword (created_at is searched as "created"). */
  keyword: string;
  kind: FieldKind;
}

export const ORDINALS: Partial<Record<FieldKind, readonly string[]>> = { status: TICKET_STATUSES, priority: TICKET_PRIORITIES };

type Cmp = Extract<FilterExpr, { kind: 'cmp' }>;

export function evaluate(expr: FilterExpr, record: CrmRecord, fields: Map<string, SearchField>): boolean {
  if (expr.kind !== 'cmp') {
    return expr.kind === 'and' ? evaluate(expr.left, record, fields) && evaluate(expr.right, record, fields) : evaluate(expr.left, record, fields) || evaluate(expr.right, record, fields);
  }
  const actual: FieldValue = expr.field === 'id' ? record.id : (record.fields[expr.field] ?? null);
  return compare(actual, expr, fields.get(expr.field)?.kind ?? 'other');
}

/**
 * The grammar's semantics (src/crm/filter.ts): text without regard to case, identifiers exactly; for Zendesk,
 * identifiers are "id" and fields ending in "_id", and statuses and priorities compare in Zendesk's order.
 */
function compare(actual: FieldValue, cmp: Cmp, kind: FieldKind): boolean {
  const expected = cmp.value;
  const exact = cmp.field === 'id' || cmp.field.endsWith('_id');
  const text = (v: unknown) => String(v ?? '').toLowerCase();
  const equal = () =>
    expected === null
      ? actual === null || actual === ''
      : typeof expected === 'string'
        ? exact
          ? String(actual ?? '') === expected
          : text(actual) === expected.toLowerCase()
        : typeof expected === 'number'
          ? actual !== null && actual !== '' && Number(actual) === expected
          : actual === expected || text(actual) === String(expected);
  switch (cmp.op) {
    case '=':
      return equal();
    case '!=':
      return !equal();
    case 'contains':
      return expected !== null && text(actual).includes(text(expected));
    case 'startswith':
      return expected !== null && text(actual).startsWith(text(expected));
    default: {
      if (actual === null || expected === null) return false;
      const order = ORDINALS[kind];
      let a: number | string;
      let b: number | string;
      if (order) {
        a = order.indexOf(text(actual));
        b = order.indexOf(text(expected));
        if (a < 0 || b < 0) return false;
      } else if (typeof expected === 'number') {
        a = Number(actual);
        b = expected;
        if (Number.isNaN(a)) return false;
      } else {
        a = String(actual);
        b = String(expected);
      }
      if (cmp.op === '<') return a < b;
      if (cmp.op === '<=') return a <= b;
      if (cmp.op === '>') return a > b;
      return a >= b;
    }
  }
}
