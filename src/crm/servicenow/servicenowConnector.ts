import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions } from '../port.js';
import { encodeQuery, translateFilter, unsafeValueReason, type Clause, type Group } from './encodedQuery.js';
import type { ServiceNowClient, ServiceNowRow } from './http.js';
import { flatFields, toRecord, toWireValue } from './records.js';
import { caseSources, partyTables, SERVICENOW_STANDARD_TYPES, SYS_ID, TABLE_NAME } from './tables.js';
import { READ_PARAMS, Timeline } from './timeline.js';

export interface ServiceNowConnectorOptions {
  client: ServiceNowClient;
  configurationId: string;
  defaultRegion: string;
  searchUsers: boolean;
  pageSize: number;
  maxScan: number;
  logger: Logger;
}

/** Column names: lower-case letters, digits and "_" (custom columns start with "u_"). */
const COLUMN = /^[a-z][a-z0-9_]{0,79}$/;
const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * ServiceNow Customer Service Management through the Table API. Types are table names
 * (sn_customerservice_case, customer_contact, ...), ids are sys_ids, fields are column names with raw
 * values (references as sys_ids, choices as their stored values).
 */
export class ServiceNowConnector implements CrmConnector {
  readonly standardTypes = SERVICENOW_STANDARD_TYPES;
  /** Every capability is there; lead and opportunity have no standard record (the create workflow says so). */
  readonly unsupported = {};
  private readonly timeline: Timeline;

  constructor(private readonly options: ServiceNowConnectorOptions) {
    this.timeline = new Timeline(options.client, options.pageSize, options.maxScan);
  }

  /**
   * Every phone column of accounts, contacts and consumers (and users when configured), searched with LIKE
   * on the digits that stay together however a number is written: the last four ("555-0142", "555.0142"),
   * or the last two pairs ("67 89", "67.89", "67-89"). The candidates are then kept only when a phone
   * column normalizes to the same E.164 number.
   */
  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    // Only digits derived from a valid E.164 number reach the query; anything else is nobody's number.
    if (!E164.test(e164) || toE164(e164, this.options.defaultRegion) !== e164) return [];
    const digits = e164.slice(1);
    const last4 = digits.slice(-4);
    const fragments = [last4, ...[' ', '.', '-'].map((sep) => `${last4.slice(0, 2)}${sep}${last4.slice(2)}`)];
    const found = await Promise.all(
      partyTables(this.options.searchUsers).map(async ({ table, phoneFields, classFilter }) => {
        const anyPhone: Clause = phoneFields.flatMap((field) => fragments.map((value) => ({ field, op: 'LIKE' as const, value })));
        const group: Group = [anyPhone, ...(classFilter ? [[{ field: 'sys_class_name', op: '=' as const, value: classFilter }]] : [])];
        const rows = await this.scan(table, encodeQuery([group], 'phoneNumber', ['sys_id']), signal, this.options.maxScan, (row) =>
          phoneFields.some((field) => typeof row[field] === 'string' && toE164(row[field], this.options.defaultRegion) === e164),
        );
        return rows.map((row) => toRecord(table, row));
      }),
    );
    return found.flat();
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    const reason = unsafeValueReason(wanted);
    if (reason) throw new CrmError(`email: ${reason}`, 400, { email: `the address ${reason}` });
    const found = await Promise.all(
      partyTables(this.options.searchUsers)
        .filter((t) => t.email)
        .map(async ({ table, classFilter }) => {
          const group: Group = [[{ field: 'email', op: '=', value: wanted }], ...(classFilter ? [[{ field: 'sys_class_name', op: '=' as const, value: classFilter }]] : [])];
          const rows = await this.scan(table, encodeQuery([group], 'email', ['sys_id']), signal, this.options.maxScan, (row) =>
            typeof row.email === 'string' && row.email.trim().toLowerCase() === wanted,
          );
          return rows.map((row) => toRecord(table, row));
        }),
    );
    return found.flat();
  }

  /** Active cases of a contact, consumer or account, and active incidents a contact or user called in; newest first. */
  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const sources = caseSources(record.type);
    if (sources.length === 0 || !SYS_ID.test(record.id) || limit <= 0) return [];
    const lists = await Promise.all(
      sources.map(async ({ table, field }) => {
        const group: Group = [[{ field, op: '=', value: record.id }], [{ field: 'active', op: '=', value: 'true' }]];
        const rows = await this.scan(table, encodeQuery([group], 'record', ['-sys_created_on', '-number']), signal, limit);
        return rows.map((row) => toRecord(table, row));
      }),
    );
    const newest = (r: CrmRecord) => `${String(r.fields.sys_created_on ?? '')} ${String(r.fields.number ?? '')}`;
    return lists
      .flat()
      .sort((a, b) => newest(b).localeCompare(newest(a)))
      .slice(0, limit);
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    checkTable(entity);
    if (limit <= 0) return [];
    const translated = filter ? translateFilter(filter) : undefined;
    const query = encodeQuery(translated?.groups ?? [], 'filter', ['-sys_created_on', 'sys_id']);
    let checked = false;
    const rows = await this.scan(entity, query, signal, limit, (row) => {
      if (!checked && translated) {
        checked = true;
        // ServiceNow drops a condition on a column the table does not have and answers the rest: refuse that.
        const missing = translated.fields.find((field) => !(field in row));
        if (missing) {
          const why = `ServiceNow table "${entity}" has no field "${missing}"`;
          throw new CrmError(`filter: ${why}`, 400, { filter: why });
        }
      }
      return !translated || translated.matches(flatFields(row));
    });
    return rows.map((row) => toRecord(entity, row));
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    checkTable(ref.type);
    if (!SYS_ID.test(ref.id)) return null;
    const row = await this.options.client.get(ref.type, ref.id, signal, READ_PARAMS);
    return row ? toRecord(ref.type, row) : null;
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    checkTable(type);
    const body = wireBody(fields);
    const row = await this.options.client.create(type, body, signal, READ_PARAMS);
    // ServiceNow ignores columns the table does not have; say so, by name, for the admin to fix the mapping.
    const ignored = Object.keys(body).filter((field) => !(field in row));
    if (ignored.length > 0) {
      this.options.logger.warn({ configurationId: this.options.configurationId, table: type, ignored }, 'ServiceNow ignored fields its table does not have');
    }
    return toRecord(type, row);
  }

  /**
   * PATCH after reading the record: ServiceNow silently ignores a column the table does not have, so a
   * misspelt memorialization target would write nothing; it is refused instead, naming the field.
   */
  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    checkTable(ref.type);
    const body = wireBody(fields);
    const current = SYS_ID.test(ref.id) ? await this.options.client.get(ref.type, ref.id, signal, READ_PARAMS) : null;
    if (!current) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
    const unknown = Object.keys(body).filter((field) => !(field in current));
    if (unknown.length > 0) {
      throw new CrmError(
        `ServiceNow table "${ref.type}" has no field ${unknown.map((f) => `"${f}"`).join(', ')}`,
        400,
        Object.fromEntries(unknown.map((f) => [f, `ServiceNow table "${ref.type}" has no field "${f}"`])),
      );
    }
    if (Object.keys(body).length === 0) return toRecord(ref.type, current);
    const row = await this.options.client.patch(ref.type, ref.id, body, signal, READ_PARAMS);
    return toRecord(ref.type, row);
  }

  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    checkTable(activity.regarding.type);
    return this.timeline.log(activity, signal);
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    checkTable(ref.type);
    return this.timeline.list(ref, limit, signal);
  }

  /**
   * Rows of a query, following the Link header page by page, until `max` rows passed `keep` or `maxScan`
   * rows were read.
   */
  private async scan(table: string, query: string, signal: AbortSignal, max: number, keep: (row: ServiceNowRow) => boolean = () => true): Promise<ServiceNowRow[]> {
    const { client, pageSize, maxScan } = this.options;
    const out: ServiceNowRow[] = [];
    let read = 0;
    let page = await client.page(table, { ...READ_PARAMS, sysparm_query: query, sysparm_limit: String(pageSize) }, signal);
    for (;;) {
      for (const row of page.rows) {
        read++;
        if (keep(row)) out.push(row);
        if (out.length >= max) return out;
      }
      if (!page.next || page.rows.length === 0) return out;
      if (read >= maxScan) {
        this.options.logger.info({ configurationId: this.options.configurationId, table, read }, 'ServiceNow search stopped at maxScan rows');
        return out;
      }
      page = await client.pageAt(page.next, signal, table);
    }
  }
}

function checkTable(table: string): void {
  if (!TABLE_NAME.test(table)) {
    const why = `"${table}" is not a ServiceNow table name (lower-case letters, digits and "_", e.g. "sn_customerservice_case")`;
    throw new CrmError(why, 400, { entity: why });
  }
}

/** Field values as the Table API takes them; column names checked, since ServiceNow ignores unknown ones. */
function wireBody(fields: Record<string, FieldValue>): Record<string, string> {
  const bad = Object.keys(fields).filter((field) => !COLUMN.test(field));
  if (bad.length > 0) {
    throw new CrmError(
      `not ServiceNow column names: ${bad.join(', ')}`,
      400,
      Object.fromEntries(bad.map((f) => [f, 'ServiceNow column names are lower-case letters, digits and "_" (e.g. "short_description")'])),
    );
  }
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, toWireValue(value)]));
}
