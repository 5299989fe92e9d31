import type { CrmRecord } from '../../domain/crmRecord.js';
import { matchesFilter, type ComparisonRules, type FilterExpr } from '../filter.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './records.js';

/**
 * The exact check of a Zendesk search's candidates against the whole filter (see searchQuery.ts): Zendesk's
 * search finds words, so what it answers is a superset, and the grammar's own evaluation decides, with
 * Zendesk's rules: identifiers are "id" and fields ending in "_id", statuses and priorities compare in
 * Zendesk's order.
 */

export type FieldKind = 'text' | 'id' | 'enum' | 'status' | 'priority' | 'date' | 'other';

export interface SearchField {
  /** The Search API keyword (created_at is searched as "created"). */
  keyword: string;
  kind: FieldKind;
}

export const ORDINALS: Partial<Record<FieldKind, readonly string[]>> = { status: TICKET_STATUSES, priority: TICKET_PRIORITIES };

export function evaluate(expr: FilterExpr, record: CrmRecord, fields: Map<string, SearchField>): boolean {
  const rules: ComparisonRules = {
    isIdentifier: (field) => field === 'id' || field.endsWith('_id'),
    orderOf: (field) => ORDINALS[fields.get(field)?.kind ?? 'other'],
  };
  return matchesFilter(expr, (field) => (field === 'id' ? record.id : (record.fields[field] ?? null)), rules);
}
