import type { Condition, FieldPath, FieldsWhich, Literal, OrderItem, OrgView, Selection, SoqlQuery, StoredRecord } from './wireQuery.js';
import { fieldNamed, NUMBER_TYPES, type FieldDef, type ObjectDef } from './wireSchema.js';

/** The SOQL evaluation of the wire server (see wireQuery.ts): filters, ordering, paging and the records' JSON shape. */

/**
 * A field through its relationships. A polymorphic one (Who, What, Owner) goes through the Name object
 * (Object Reference, "Name"); the docs do not say what its Name holds for a record without a Name field
 * (a Case as a task's What): this server answers null there.
 */
export function readPath(record: StoredRecord, path: FieldPath, org: OrgView): unknown {
  let current: StoredRecord | undefined = record;
  for (const hop of path.hops) {
    const id: unknown = current.fields[hop.field];
    current = typeof id === 'string' ? org.byId(id) : undefined;
    if (!current) return null;
  }
  const field = fieldNamed(current.object, path.field);
  return field ? (current.fields[field] ?? null) : null;
}

const lower = (v: unknown) => String(v).toLowerCase();

function compare(def: FieldDef, actual: unknown, literal: Literal): number {
  if (literal.k === 'null') return actual === null ? 0 : 1;
  switch (def.type) {
    case 'id':
    case 'reference': {
      const a = String(actual).slice(0, 15);
      const b = String(literal.v).slice(0, 15);
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'double':
    case 'currency':
    case 'int':
      return Number(actual) - Number(literal.v);
    case 'boolean':
      return actual === literal.v ? 0 : 1;
    case 'date':
    case 'datetime': {
      const value = String(literal.v);
      const a = value.length === 10 ? String(actual).slice(0, 10) : String(Date.parse(String(actual)));
      const b = value.length === 10 ? value : String(Date.parse(value));
      if (value.length === 10) return a === b ? 0 : a < b ? -1 : 1;
      return Number(a) - Number(b);
    }
    default: {
      const a = lower(actual);
      const b = lower(literal.v);
      return a === b ? 0 : a < b ? -1 : 1;
    }
  }
}

function matches(condition: Condition, record: StoredRecord, org: OrgView): boolean {
  switch (condition.k) {
    case 'and':
      return condition.items.every((c) => matches(c, record, org));
    case 'or':
      return condition.items.some((c) => matches(c, record, org));
    case 'not':
      return !matches(condition.item, record, org);
    case 'like': {
      const actual = readPath(record, condition.path, org);
      return actual !== null && condition.pattern.test(String(actual));
    }
    case 'in': {
      const actual = readPath(record, condition.path, org);
      const found = actual !== null && condition.values.some((v) => v.k !== 'null' && compare(condition.path.def, actual, v) === 0);
      return condition.negated ? !found : found;
    }
    case 'cmp': {
      const actual = readPath(record, condition.path, org);
      const { op, value } = condition;
      if (value.k === 'null') return op === '=' ? actual === null : actual !== null;
      // In SOQL, != also holds for records whose field is null; ordering comparisons never do.
      if (actual === null) return op === '!=';
      const c = compare(condition.path.def, actual, value);
      return op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
  }
}

function sortRecords(records: StoredRecord[], orderBy: OrderItem[], org: OrgView): StoredRecord[] {
  if (orderBy.length === 0) return records;
  return [...records].sort((x, y) => {
    for (const item of orderBy) {
      const a = readPath(x, item.path, org);
      const b = readPath(y, item.path, org);
      if (a === null && b === null) continue;
      if (a === null) return item.nullsFirst ? -1 : 1;
      if (b === null) return item.nullsFirst ? 1 : -1;
      let c: number;
      if (NUMBER_TYPES.has(item.path.def.type)) c = Number(a) - Number(b);
      else if (item.path.def.type === 'id' || item.path.def.type === 'reference' || item.path.def.type === 'datetime' || item.path.def.type === 'date')
        c = String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
      else c = lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0;
      if (c !== 0) return item.desc ? -c : c;
    }
    return 0;
  });
}

/** Runs a query's WHERE, ORDER BY, OFFSET and LIMIT over the records of its object. */
export function select(org: OrgView, object: ObjectDef, clauses: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'>): StoredRecord[] {
  const where = clauses.where;
  const found = org.all(object.name).filter((r) => !where || matches(where, r, org));
  const sorted = sortRecords(found, clauses.orderBy, org);
  const from = clauses.offset ?? 0;
  return sorted.slice(from, clauses.limit === undefined ? undefined : from + clauses.limit);
}

export function runSoql(org: OrgView, query: SoqlQuery): StoredRecord[] {
  return select(org, query.object, query);
}

/** A record as the REST API shows it: attributes first, then the selected fields. */
/** The fields of a FIELDS() group: custom ones end in __c. */
export function fieldsOf(object: ObjectDef, which: FieldsWhich): string[] {
  return Object.keys(object.fields).filter((field) => which === 'ALL' || (which === 'CUSTOM') === field.endsWith('__c'));
}

export function shapeRecord(record: StoredRecord, selection: Selection, org: OrgView, apiBase: string): Record<string, unknown> {
  const attributes = (r: StoredRecord) => ({ type: r.object.name, url: `${apiBase}/sobjects/${r.object.name}/${String(r.fields.Id)}` });
  const out: Record<string, unknown> = { attributes: attributes(record) };
  for (const field of selection.fields ? fieldsOf(record.object, selection.fields) : []) out[field] = record.fields[field] ?? null;
  for (const path of selection.paths) {
    if (path.hops.length === 0) {
      out[path.field] = record.fields[path.field] ?? null;
      continue;
    }
    // A related record's fields nest under the relationship name, as {attributes, Field}; null when unset.
    let holder = out;
    let current: StoredRecord | undefined = record;
    for (const hop of path.hops) {
      const id: unknown = current?.fields[hop.field];
      current = typeof id === 'string' ? org.byId(id) : undefined;
      if (!current) {
        if (!(hop.relationship in holder)) holder[hop.relationship] = null;
        break;
      }
      const existing = holder[hop.relationship];
      const nested = existing && typeof existing === 'object' ? (existing as Record<string, unknown>) : { attributes: attributes(current) };
      holder[hop.relationship] = nested;
      holder = nested;
    }
    if (current) holder[path.field] = current.fields[path.field] ?? null;
  }
  return out;
}
