import { randomBytes } from 'node:crypto';
import { TABLE_LABELS } from './dataverseLabels.js';
import { isLookup, TABLE_BY_NAME, TABLES, type ColumnDef, type TableDef } from './dataverseSchema.js';
import type { Prefer } from './wireHttp.js';
import { evaluate, FilterParser, ODataError, orderBy } from './odataQuery.js';
import { API, error, ReplyError, type Reply } from './wireReply.js';

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const NAVIGATION = '@Microsoft.Dynamics.CRM.associatednavigationproperty';
const LOGICAL = '@Microsoft.Dynamics.CRM.lookuplogicalname';

interface Lookup {
  id: string;
  table: string;
}
interface Row {
  table: string;
  id: string;
  values: Record<string, unknown>;
  /** createdon to the millisecond (Dataverse keeps more than the seconds it shows). */
  createdMs: number;
  version: number;
}

/**
 * The rows of the local Dataverse and the record requests on them: retrieve, retrieve multiple ($filter,
 * $orderby, $select, paging), create, update/upsert with Dataverse's checks, and rows rendered as the Web
 * API renders them (lookups as _x_value, annotations when preferred).
 */
export class DataverseRows {
  private readonly rows = new Map<string, Map<string, Row>>(TABLES.map((t) => [t.logicalName, new Map()]));
  private version = 1000;
  private caseNumber = 1000;
  private lastCreatedMs = 0;

  constructor(private readonly base: () => string) {}

  private get url(): string {
    return this.base();
  }

  /** The rows of a table as stored (for assertions). */
  stored(table: string): Array<{ id: string; values: Record<string, unknown> }> {
    return [...(this.rows.get(table)?.values() ?? [])].map(({ id, values }) => ({ id, values }));
  }

  retrieve(table: TableDef, id: string, query: Map<string, string>, prefer: Prefer): Reply {
    checkSelect(table, query.get('$select'));
    const row = this.rowsOf(table).find((r) => r.id === id);
    if (!row) return error(404, '0x80040217', `${table.logicalName} With Id = ${id} Does Not Exist`);
    return { status: 200, body: { '@odata.context': `${this.url}${API}$metadata#${table.setName}/$entity`, ...this.render(table, row, prefer, query.get('$select')) } };
  }

  retrieveMultiple(table: TableDef, url: URL, query: Map<string, string>, prefer: Prefer): Reply {
    checkSelect(table, query.get('$select'));
    const aliases = new Map([...query].filter(([k]) => k.startsWith('@')));
    const filterText = query.get('$filter');
    const filter = filterText ? new FilterParser(table, aliases).parse(filterText) : null;
    let rows = this.rowsOf(table).filter((row) => !filter || evaluate(filter, (name, column) => this.valueOf(row, name, column)) === true);
    const compare = orderBy(query.get('$orderby'), table, (row, name, column) => this.valueOf(row as Row, name, column));
    rows = compare ? [...rows].sort(compare) : rows;
    const pageSize = Math.min(prefer.maxPageSize ?? 5000, 5000);
    const top = query.get('$top');
    if (top && prefer.maxPageSize === undefined) rows = rows.slice(0, Number(top));
    const offset = Number(/offset="(\d+)"/.exec(query.get('$skiptoken') ?? '')?.[1] ?? 0);
    const page = rows.slice(offset, offset + pageSize);
    const response: Record<string, unknown> = {
      '@odata.context': `${this.url}${API}$metadata#${table.setName}`,
      value: page.map((row) => this.render(table, row, prefer, query.get('$select'))),
    };
    if (offset + pageSize < rows.length) {
      const kept = url.search
        .slice(1)
        .split('&')
        .filter((p) => p && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
      const cookie = `<cookie pagenumber="${offset / pageSize + 2}" offset="${offset + pageSize}" istracking="False" />`;
      response['@odata.nextLink'] = `${this.url}${url.pathname}?${[...kept, `$skiptoken=${encodeURIComponent(cookie)}`].join('&')}`;
    }
    return { status: 200, headers: prefer.applied(), body: response };
  }

  create(table: TableDef, id: string, data: Record<string, unknown>, prefer: Prefer): Reply {
    const values: Record<string, unknown> = {};
    this.apply(table, values, data);
    const row: Row = { table: table.logicalName, id, values, createdMs: this.nextCreatedMs(), version: ++this.version };
    this.complete(table, row, true);
    this.rows.get(table.logicalName)!.set(id, row);
    return this.written(table, row, prefer, 201);
  }

  upsert(table: TableDef, id: string, data: Record<string, unknown>, headers: Record<string, string>, prefer: Prefer): Reply {
    const existing = this.rows.get(table.logicalName)!.get(id);
    if (headers['if-match'] === '*' && !existing) return error(404, '0x80040217', `${table.logicalName} With Id = ${id} Does Not Exist`);
    if (headers['if-none-match'] === '*' && existing) return error(412, '0x80060882', 'A record with matching key values already exists.');
    if (!existing) return this.create(table, id, data, prefer);
    const values = { ...existing.values };
    this.apply(table, values, data);
    const row: Row = { ...existing, values, version: ++this.version };
    this.complete(table, row, false);
    this.rows.get(table.logicalName)!.set(id, row);
    return this.written(table, row, prefer, 200);
  }

  private written(table: TableDef, row: Row, prefer: Prefer, status: number): Reply {
    const location = `${this.url}${API}${table.setName}(${row.id})`;
    if (!prefer.returnRepresentation) return { status: 204, headers: { 'OData-EntityId': location } };
    return {
      status,
      headers: { 'OData-EntityId': location, ...prefer.applied() },
      body: { '@odata.context': `${this.url}${API}$metadata#${table.setName}/$entity`, ...this.render(table, row, prefer, prefer.select) },
    };
  }

  /** Each createdon is later than the one before (to the millisecond), as rows written one after another are. */
  private nextCreatedMs(): number {
    this.lastCreatedMs = Math.max(Date.now(), this.lastCreatedMs + 1);
    return this.lastCreatedMs;
  }

  /** A request body onto a row's values, with Dataverse's checks and errors. */
  private apply(table: TableDef, values: Record<string, unknown>, data: Record<string, unknown>): void {
    const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
    for (const [key, value] of Object.entries(data)) {
      if (key.endsWith('@odata.bind')) {
        const nav = key.slice(0, -'@odata.bind'.length);
        const found = navigationOf(table, nav);
        if (!found) {
          throw new ReplyError(
            error(
              400,
              '0x80060888',
              `An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
            ),
          );
        }
        const target = TABLE_BY_NAME.get(found.target)!;
        const ref = /\/?([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(String(value));
        if (!ref || ref[1] !== target.setName) throw new ReplyError(error(400, '0x80060888', `The URI '${String(value)}' is not valid for navigation property '${nav}'.`));
        const refId = ref[2]!.toLowerCase();
        if (!this.rows.get(target.logicalName)!.has(refId)) {
          throw new ReplyError(error(404, '0x80060891', `A record with the specified key values does not exist in ${target.logicalName} entity`));
        }
        values[found.column] = { id: refId, table: target.logicalName } satisfies Lookup;
        continue;
      }
      const nav = navigationOf(table, key);
      if (nav) {
        if (value !== null) {
          throw new ReplyError(
            error(
              400,
              '0x80060888',
              `A 'PrimitiveValue' node with non-null value was found when trying to read the value of the navigation property '${key}'; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected.`,
            ),
          );
        }
        values[nav.column] = null;
        continue;
      }
      const column = table.columns[key];
      if (!column || isLookup(column)) {
        throw new ReplyError(
          error(400, '0x80060888', `The property '${key}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`),
        );
      }
      if (column.readOnly) continue;
      values[key] = this.checked(table, key, column, value);
    }
  }

  private checked(table: TableDef, key: string, column: ColumnDef, value: unknown): unknown {
    if (value === null) return null;
    const mismatch = (edm: string) => new ReplyError(error(400, '0x80060888', `Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`));
    switch (column.type) {
      case 'String':
      case 'Memo':
        if (typeof value !== 'string') throw mismatch('Edm.String');
        if (column.maxLength && value.length > column.maxLength) {
          throw new ReplyError(
            error(
              400,
              '0x80044331',
              `A validation error occurred. The length of the '${key}' attribute of the '${table.logicalName}' entity exceeded the maximum allowed length of '${column.maxLength}'.`,
            ),
          );
        }
        return value;
      case 'Integer':
      case 'BigInt':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch('Edm.Int32');
        return value;
      case 'Money':
      case 'Decimal':
        if (typeof value !== 'number') throw mismatch('Edm.Decimal');
        return value;
      case 'Boolean':
        if (typeof value !== 'boolean') throw mismatch('Edm.Boolean');
        return value;
      case 'DateTime': {
        const ms = typeof value === 'string' ? Date.parse(value) : NaN;
        if (Number.isNaN(ms)) throw mismatch('Edm.DateTimeOffset');
        return ms;
      }
      case 'Picklist':
      case 'State':
      case 'Status':
        if (typeof value !== 'number' || !column.options!.some((o) => o.value === value)) {
          throw new ReplyError(
            error(
              400,
              '0x8004431a',
              `A validation error occurred. The value ${String(value)} of '${key}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${column.options!.map((o) => o.value).join(',')}`,
            ),
          );
        }
        return value;
      default:
        return value;
    }
  }

  /** What Dataverse fills in: names, numbers, states, times; and what it requires. */
  private complete(table: TableDef, row: Row, created: boolean): void {
    const v = row.values;
    const statuses = table.columns.statuscode?.options ?? [];
    if (v.statuscode !== undefined && v.statuscode !== null) {
      v.statecode = statuses.find((o) => o.value === v.statuscode)?.state ?? 0;
    } else if (created) {
      v.statecode ??= 0;
      v.statuscode = statuses.find((o) => o.state === v.statecode)?.value ?? null;
    }
    if (table.columns.fullname) v.fullname = [v.firstname, v.lastname].filter((p) => typeof p === 'string' && p).join(' ') || null;
    if (table.activity) v.activitytypecode = table.logicalName;
    if (table.logicalName === 'incident') {
      if (!v.customerid) throw new ReplyError(error(400, '0x80040278', 'You should specify a parent contact or account.'));
      if (created && !v.ticketnumber) v.ticketnumber = `CAS-${String(++this.caseNumber).padStart(5, '0')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    }
    v[table.primaryId] = row.id;
    v.versionnumber = row.version;
    v.createdon = row.createdMs;
    v.modifiedon = created ? row.createdMs : Math.max(Date.now(), row.createdMs);
  }

  /** A table's rows; for activitypointer, the rows of every activity table. */
  private rowsOf(table: TableDef): Row[] {
    if (!table.pointer) return [...this.rows.get(table.logicalName)!.values()];
    return TABLES.filter((t) => t.activity).flatMap((t) => [...this.rows.get(t.logicalName)!.values()]);
  }

  private valueOf(row: Row, property: string, column: ColumnDef): string | number | boolean | null {
    if (isLookup(column)) {
      const lookup = row.values[/^_(.+)_value$/.exec(property)![1]!] as Lookup | null | undefined;
      return lookup?.id ?? null;
    }
    if (property === 'createdon') return row.createdMs;
    const value = row.values[property];
    return value === undefined ? null : (value as string | number | boolean | null);
  }

  /** A row as JSON: every column (null when empty), lookups as _x_value, annotations when preferred. */
  private render(table: TableDef, row: Row, prefer: Prefer, select?: string): Record<string, unknown> {
    const out: Record<string, unknown> = { '@odata.etag': `W/"${row.version}"` };
    const selected = select ? new Set(select.split(',').map((s) => s.trim())) : null;
    for (const [name, column] of Object.entries(table.columns)) {
      const property = isLookup(column) ? `_${name}_value` : name;
      if (selected && !selected.has(property) && name !== table.primaryId) continue;
      const value = row.values[name];
      if (isLookup(column)) {
        const lookup = (value ?? null) as Lookup | null;
        out[property] = lookup?.id ?? null;
        if (lookup && prefer.annotations) {
          const target = TABLE_BY_NAME.get(lookup.table)!;
          const name = this.rows.get(lookup.table)?.get(lookup.id)?.values[target.primaryName];
          if (typeof name === 'string') out[`${property}${FORMATTED}`] = name;
        }
        if (lookup && prefer.lookupAnnotations) {
          out[`${property}${NAVIGATION}`] = column.targets![lookup.table];
          out[`${property}${LOGICAL}`] = lookup.table;
        }
        continue;
      }
      if (value === undefined || value === null) {
        out[name] = null;
        continue;
      }
      if (column.type === 'DateTime') {
        out[name] = new Date(value as number).toISOString().replace(/\.\d{3}Z$/, 'Z');
        if (prefer.annotations) out[`${name}${FORMATTED}`] = new Date(value as number).toLocaleString('en-US', { timeZone: 'UTC' });
        continue;
      }
      out[name] = value;
      if (!prefer.annotations) continue;
      // An EntityName column's formatted value is the table's display name ("Phone Call").
      if (column.type === 'EntityName' && typeof value === 'string') out[`${name}${FORMATTED}`] = TABLE_LABELS[value] ?? value;
      const option = column.options?.find((o) => o.value === value);
      if (option) out[`${name}${FORMATTED}`] = option.label;
      else if (column.type === 'Boolean') out[`${name}${FORMATTED}`] = value ? 'Yes' : 'No';
      else if (column.type === 'Money') out[`${name}${FORMATTED}`] = `$${(value as number).toFixed(2)}`;
      else if (column.type === 'Integer' || column.type === 'BigInt') out[`${name}${FORMATTED}`] = (value as number).toLocaleString('en-US');
    }
    return out;
  }
}

/** $select names properties: a column, or a lookup as _x_value; anything else is Dataverse's 400. */
export function checkSelect(table: TableDef, select: string | undefined): void {
  for (const property of (select ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const lookup = /^_(.+)_value$/.exec(property)?.[1];
    const column = table.columns[lookup ?? property];
    if (!column || (lookup !== undefined) !== isLookup(column)) {
      throw new ODataError(`Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`);
    }
  }
}

function navigationOf(table: TableDef, nav: string): { column: string; target: string } | undefined {
  for (const [column, def] of Object.entries(table.columns)) {
    for (const [target, name] of Object.entries(def.targets ?? {})) if (name === nav) return { column, target };
  }
  return undefined;
}
