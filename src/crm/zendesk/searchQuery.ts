import type { CrmRecord } from '../../domain/crmRecord.js';
import type { ComparisonOp, FilterExpr, FilterValue } from '../filter.js';
import { CrmError } from '../port.js';
import type { CustomField } from './catalog.js';
import { evaluate, ORDINALS, type FieldKind, type SearchField } from './filterCheck.js';
import { isZendeskId, type ZendeskType } from './records.js';

/**
 * Our filter AST in the Zendesk Search API's query language (`type:ticket status:open requester_id:123
 * subject:"damaged box" -status:closed created>2026-01-01 name:north*`).
 *
 * Zendesk search is a full-text search: `name:"a b"` finds names that contain the words "a b", never
 * "names equal to". So each comparison becomes a clause that finds AT LEAST the records it matches (a
 * superset), and every candidate is then checked exactly against the whole filter (`matches`). That keeps
 * the answer exact whatever Zendesk's word splitting does, and lets user text reach the query only as
 * whole words inside double quotes:
 * - a Zendesk phrase has no escape character, so words holding `"`, `\` or `*` (or control characters) are
 *   never sent; the longest run of consecutive safe, whole words is. A word cut by `contains`/`startswith`
 *   (the value's first or last word may be part of a longer word) is sent as a prefix, `word*`, when it
 *   is letters and digits only: Zendesk finds a word by its start, never by its middle or end (its search
 *   reference), so `contains "arcia"` does not find "Garcia" here, as it does not in Zendesk itself. Sending
 *   the words keeps a name search narrow: a bare `type:user` cannot be read past Zendesk's 1,000 results;
 * - "or" has no reliable form in the Search API, so the filter is spread into at most 8 "and" groups, one
 *   query each, whose results are merged;
 * - `!=` is sent as `-field:value` only where `:` is an exact match (statuses, priorities, roles, ids);
 *   elsewhere it is checked on the candidates only;
 * - a comparison on a field Zendesk cannot search is a CrmError(400, {filter}).
 */

const COMMON: Record<string, SearchField> = {
  id: { keyword: 'id', kind: 'id' },
  name: { keyword: 'name', kind: 'text' },
  external_id: { keyword: 'external_id', kind: 'text' },
  tags: { keyword: 'tags', kind: 'text' },
  notes: { keyword: 'notes', kind: 'text' },
  details: { keyword: 'details', kind: 'text' },
  created_at: { keyword: 'created', kind: 'date' },
  updated_at: { keyword: 'updated', kind: 'date' },
};

const NATIVE: Record<ZendeskType, Record<string, SearchField>> = {
  user: {
    ...COMMON,
    email: { keyword: 'email', kind: 'text' },
    phone: { keyword: 'phone', kind: 'text' },
    role: { keyword: 'role', kind: 'enum' },
    organization_id: { keyword: 'organization_id', kind: 'id' },
  },
  organization: { ...COMMON },
  ticket: {
    id: COMMON.id!,
    external_id: COMMON.external_id!,
    tags: COMMON.tags!,
    created_at: COMMON.created_at!,
    updated_at: COMMON.updated_at!,
    subject: { keyword: 'subject', kind: 'text' },
    description: { keyword: 'description', kind: 'text' },
    status: { keyword: 'status', kind: 'status' },
    priority: { keyword: 'priority', kind: 'priority' },
    type: { keyword: 'ticket_type', kind: 'enum' },
    due_at: { keyword: 'due_date', kind: 'date' },
    requester_id: { keyword: 'requester_id', kind: 'id' },
    assignee_id: { keyword: 'assignee_id', kind: 'id' },
    submitter_id: { keyword: 'submitter_id', kind: 'id' },
    organization_id: { keyword: 'organization_id', kind: 'id' },
    group_id: { keyword: 'group_id', kind: 'id' },
    brand_id: { keyword: 'brand_id', kind: 'id' },
  },
};

const MAX_GROUPS = 8;
/** Characters that cannot sit inside a Zendesk phrase: it has no escape for `"`, and `\` / `*` mean things. */
const UNSAFE = /["\\*\p{Cc}]/u;
const WORDLIKE = /[\p{L}\p{N}]/u;
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

type Cmp = Extract<FilterExpr, { kind: 'cmp' }>;

/** What one "and" group asks of Zendesk. */
export type SearchPlan =
  /** Read one record by id (the Search API is not needed to find a ticket by its number). */
  | { kind: 'get'; id: string }
  /** Run this Search API query. */
  | { kind: 'search'; query: string };

export interface SearchTranslation {
  plans: SearchPlan[];
  /** The exact check of a candidate against the whole filter. */
  matches(record: CrmRecord): boolean;
}

/** Searchable fields of a type: Zendesk's own, and the account's custom fields (by key, or custom_field_<id>). */
function searchFields(type: ZendeskType, custom: CustomField[]): Map<string, SearchField> {
  const fields = new Map(Object.entries(NATIVE[type]));
  for (const field of custom) {
    const name = type === 'ticket' ? `custom_field_${field.id}` : field.key;
    if (!name || fields.has(name)) continue;
    const kind: FieldKind = ['text', 'textarea', 'regexp'].includes(field.type) ? 'text' : ['dropdown', 'tagger'].includes(field.type) ? 'enum' : field.type === 'date' ? 'date' : 'other';
    fields.set(name, { keyword: name, kind });
  }
  return fields;
}

/** Translates a filter (null: every record of the type) into Search API work and an exact check. */
export function translateFilter(type: ZendeskType, filter: FilterExpr | null, custom: CustomField[]): SearchTranslation {
  if (!filter) return { plans: [{ kind: 'search', query: `type:${type}` }], matches: () => true };
  const fields = searchFields(type, custom);
  for (const cmp of comparisons(filter)) {
    if (!fields.has(cmp.field)) {
      throw new CrmError(`Zendesk cannot search ${type}s on "${cmp.field}"`, 400, {
        filter: `Zendesk cannot search ${type}s on "${cmp.field}"; searchable fields: ${[...fields.keys()].join(', ')}`,
      });
    }
  }
  const plans: SearchPlan[] = [];
  for (const group of andGroups(filter)) {
    const plan = planGroup(type, group, fields);
    if (plan && !plans.some((p) => JSON.stringify(p) === JSON.stringify(plan))) plans.push(plan);
  }
  return { plans, matches: (record) => evaluate(filter, record, fields) };
}

function comparisons(expr: FilterExpr): Cmp[] {
  return expr.kind === 'cmp' ? [expr] : [...comparisons(expr.left), ...comparisons(expr.right)];
}

/** The filter as "or" of "and" groups (disjunctive normal form), refused beyond MAX_GROUPS groups. */
function andGroups(expr: FilterExpr): Cmp[][] {
  let groups: Cmp[][];
  if (expr.kind === 'cmp') groups = [[expr]];
  else if (expr.kind === 'or') groups = [...andGroups(expr.left), ...andGroups(expr.right)];
  else {
    const left = andGroups(expr.left);
    const right = andGroups(expr.right);
    groups = left.flatMap((l) => right.map((r) => [...l, ...r]));
  }
  if (groups.length > MAX_GROUPS) {
    throw new CrmError('filter too complex for Zendesk search', 400, {
      filter: `Zendesk search has no "or"; this filter needs ${groups.length} separate searches, at most ${MAX_GROUPS} are run. Use fewer "or" alternatives.`,
    });
  }
  return groups;
}

/** One "and" group as a Zendesk query; null when the group can never match (e.g. a non-numeric id). */
function planGroup(type: ZendeskType, group: Cmp[], fields: Map<string, SearchField>): SearchPlan | null {
  const byId = group.find((c) => c.field === 'id' && c.op === '=');
  if (byId) {
    const id = idText(byId.value);
    return id ? { kind: 'get', id } : null;
  }
  const clauses: string[] = [];
  for (const cmp of group) {
    const clause = clauseFor(cmp, fields.get(cmp.field)!);
    if (clause === 'never') return null;
    clauses.push(...clause);
  }
  return { kind: 'search', query: [`type:${type}`, ...new Set(clauses)].join(' ') };
}

/** The Search API clauses that find at least what one comparison matches ('never': nothing can match). */
function clauseFor(cmp: Cmp, field: SearchField): string[] | 'never' {
  const { op, value } = cmp;
  const { keyword, kind } = field;
  switch (kind) {
    case 'id': {
      const id = idText(value);
      if (op === '=') return id ? [`${keyword}:${id}`] : value === null ? [] : 'never';
      if (op === '!=' && id) return [`-${keyword}:${id}`];
      return [];
    }
    case 'enum':
    case 'status':
    case 'priority': {
      const word = typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : null;
      if (!word || !/^[a-z0-9_-]{1,60}$/.test(word)) return [];
      if (op === '=') return [`${keyword}:${word}`];
      if (op === '!=') return [`-${keyword}:${word}`];
      const order = ORDINALS[kind];
      return order ? ordinalClause(keyword, op, word, order) : [];
    }
    case 'date':
      return dateClauses(keyword, op, value);
    case 'text':
      if ((op === '=' || op === 'contains' || op === 'startswith') && (typeof value === 'string' || typeof value === 'number')) {
        return textClauses(keyword, String(value), op);
      }
      return [];
    default:
      return [];
  }
}

function idText(value: FilterValue): string | null {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  return isZendeskId(text) ? text : null;
}

/** status<solved, priority>normal: Zendesk compares statuses and priorities in their order. */
function ordinalClause(keyword: string, op: ComparisonOp, word: string, order: readonly string[]): string[] | 'never' {
  const rank = order.indexOf(word);
  if (rank < 0) return [];
  switch (op) {
    case '<':
      return rank === 0 ? 'never' : [`${keyword}<${word}`];
    case '<=':
      return rank === order.length - 1 ? [] : [`${keyword}<${order[rank + 1]}`];
    case '>':
      return rank === order.length - 1 ? 'never' : [`${keyword}>${word}`];
    case '>=':
      return rank === 0 ? [] : [`${keyword}>${order[rank - 1]}`];
    default:
      return [];
  }
}

/**
 * created>2026-01-01: Zendesk compares whole days in the account's time zone, so the range sent is two days
 * wider on each side than asked and the exact instant is checked on the candidates.
 */
function dateClauses(keyword: string, op: ComparisonOp, value: FilterValue): string[] {
  const day = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})/.exec(value.trim())?.[1] : undefined;
  if (!day || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return [];
  const shift = (days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const after = `${keyword}>${shift(-2)}`;
  const before = `${keyword}<${shift(2)}`;
  if (op === '=') return [after, before];
  if (op === '>' || op === '>=') return [after];
  if (op === '<' || op === '<=') return [before];
  return [];
}

/**
 * `keyword:"the longest run of whole, safe words"`, and `keyword:word*` for each word `contains` or
 * `startswith` may have cut (letters and digits only, two at least: one letter would match too much); none
 * when the value has no such words. Words are what whitespace separates: Zendesk may split them further,
 * but it splits the stored text and the phrase alike, so the phrase is always found in a match.
 */
export function textClauses(keyword: string, value: string, op: '=' | 'contains' | 'startswith'): string[] {
  const words = [...value.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  if (words.length === 0) return [];
  const cutLeft = (i: number) => op === 'contains' && words[i]!.start === 0;
  const cutRight = (i: number) => op !== '=' && words[i]!.end === value.length;
  const safe = (i: number) => !UNSAFE.test(words[i]!.text) && WORDLIKE.test(words[i]!.text);

  let best: string[] = [];
  let run: string[] = [];
  words.forEach((w, i) => {
    if (!cutLeft(i) && !cutRight(i) && safe(i)) {
      run.push(w.text);
      if (run.join(' ').length > best.join(' ').length) best = [...run];
    } else run = [];
  });
  const clauses = best.length > 0 ? [`${keyword}:"${best.join(' ').toLowerCase()}"`] : [];
  const edges = new Set([0, words.length - 1].filter((i) => cutLeft(i) || cutRight(i)));
  for (const i of edges) {
    const text = words[i]!.text;
    if (PLAIN_WORD.test(text) && text.length >= 2) clauses.push(`${keyword}:${text.toLowerCase()}*`);
  }
  return clauses;
}

// --- Search for ANI and email --------------------------------------------------------------------------

/**
 * The query for a phone field: Zendesk matches `phone:*5135557611` (national digits, no "+", a leading `*`)
 * against the number however it was written ("+1 513.555.7611", "(513) 555-7611"...). Digits only ever.
 */
export function phoneQuery(type: ZendeskType, keyword: string, nationalDigits: string): string | null {
  if (!/^\d{4,15}$/.test(nationalDigits)) return null;
  return `type:${type} ${keyword}:*${nationalDigits}`;
}

/** The query for an email field: the address in quotes; an address that cannot be quoted finds nobody. */
export function emailQuery(keyword: string, email: string): string | null {
  if (!email || UNSAFE.test(email) || /\s/.test(email) || !email.includes('@')) return null;
  return `type:user ${keyword}:"${email}"`;
}
