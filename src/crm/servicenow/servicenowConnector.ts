import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions, type RecordTypeDescription, type SearchableRole, type TextSearchResult } from '../port.js';
import { encodeQuery, translateFilter, unsafeValueReason, type Clause, type Group } from './encodedQuery.js';
import type { ServiceNowClient, ServiceNowRow } from './http.js';
import { Metadata } from './metadata.js';
import { ReadFields } from './readFields.js';
import { flatFields, toRecord } from './records.js';
import { scan } from './scan.js';
import { caseSources, partyTables, SERVICENOW_STANDARD_TYPES, SYS_ID, TABLE_NAME } from './tables.js';
import { searchText } from './textSearch.js';
import { Timeline } from './timeline.js';
import { checkUpdate, wireBody } from './writes.js';

export interface ServiceNowConnectorOptions {
  client: ServiceNowClient;
  configurationId: string;
  defaultRegion: string;
  searchUsers: boolean;
  pageSize: number;
  maxScan: number;
  logger: Logger;
  clock: () => Date;
}

const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * ServiceNow Customer Service Management through the Table API. Types are table names
 * (sn_customerservice_case, customer_contact, ...), ids are sys_ids, fields are column names with their
 * stored values (references as sys_ids, choices as their values); `display` has the names and labels, and
 * records.ts maps tables and columns to roles and canonical fields.
 */
export class ServiceNowConnector implements CrmConnector {
  readonly standardTypes = SERVICENOW_STANDARD_TYPES;
  /** Every capability is there; lead and opportunity have no standard record (the create workflow says so). */
  readonly unsupported = {};
  private readonly timeline: Timeline;
  private readonly metadata: Metadata;
  private readonly reads: ReadFields;

  constructor(private readonly options: ServiceNowConnectorOptions) {
    this.metadata = new Metadata(options.client, options.clock);
    this.reads = new ReadFields(this.metadata, options.logger, options.configurationId);
    this.timeline = new Timeline(options.client, options.pageSize, options.maxScan, this.reads);
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
    return this.acrossTables(
      partyTables(this.options.searchUsers).map(({ table, phoneFields, classFilter }) => async () => {
        const anyPhone: Clause = phoneFields.flatMap((field) => fragments.map((value) => ({ field, op: 'LIKE' as const, value })));
        const group: Group = [anyPhone, ...(classFilter ? [[{ field: 'sys_class_name', op: '=' as const, value: classFilter }]] : [])];
        const rows = await this.scan(table, encodeQuery([group], 'phoneNumber', ['sys_id']), phoneFields, signal, this.options.maxScan, (fields) =>
          phoneFields.some((field) => typeof fields[field] === 'string' && toE164(fields[field], this.options.defaultRegion) === e164),
        );
        return rows.map((row) => this.record(table, row));
      }),
    );
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    const reason = unsafeValueReason(wanted);
    if (reason) throw new CrmError(`email: ${reason}`, 400, { email: `the address ${reason}` });
    return this.acrossTables(
      partyTables(this.options.searchUsers)
        .filter((t) => t.email)
        .map(({ table, classFilter }) => async () => {
          const group: Group = [[{ field: 'email', op: '=', value: wanted }], ...(classFilter ? [[{ field: 'sys_class_name', op: '=' as const, value: classFilter }]] : [])];
          const rows = await this.scan(
            table,
            encodeQuery([group], 'email', ['sys_id']),
            ['email'],
            signal,
            this.options.maxScan,
            (fields) => typeof fields.email === 'string' && fields.email.trim().toLowerCase() === wanted,
          );
          return rows.map((row) => this.record(table, row));
        }),
    );
  }

  /**
   * The records of searches over several tables. A table the integration user may not read (403) does not
   * discard what the others found: it is logged by name for the admin; only when every table refuses does
   * the search fail (with the first table's 403, which names it).
   */
  private async acrossTables(searches: Array<() => Promise<CrmRecord[]>>): Promise<CrmRecord[]> {
    const settled = await Promise.allSettled(searches.map((search) => search()));
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const other = failed.find((e) => !(e instanceof CrmError && e.status === 403));
    if (other !== undefined) throw other;
    if (failed.length > 0 && failed.length === settled.length) throw failed[0];
    if (failed.length > 0) {
      const refused = failed.map((e) => (e as CrmError).message);
      this.options.logger.warn({ configurationId: this.options.configurationId, refused }, 'ServiceNow refused some tables of a search; kept what the others found');
    }
    return settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }

  /** Active cases of a contact, consumer or account, and active incidents a contact or user called in; newest first. */
  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const sources = caseSources(record.type);
    if (sources.length === 0 || !SYS_ID.test(record.id) || limit <= 0) return [];
    const lists = await Promise.all(
      sources.map(async ({ table, field }) => {
        const group: Group = [[{ field, op: '=', value: record.id }], [{ field: 'active', op: '=', value: 'true' }]];
        const rows = await this.scan(table, encodeQuery([group], 'record', ['-sys_created_on', '-number']), [field], signal, limit);
        return rows.map((row) => this.record(table, row));
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
    const rows = await this.scan(entity, query, translated?.fields ?? [], signal, limit, (fields) => {
      if (!checked && translated) {
        checked = true;
        // ServiceNow drops a condition on a column the table does not have and answers the rest: refuse that.
        const missing = translated.fields.find((field) => !(field in fields));
        if (missing) {
          const why = `ServiceNow table "${entity}" has no field "${missing}"`;
          throw new CrmError(`filter: ${why}`, 400, { filter: why });
        }
      }
      return !translated || translated.matches(fields);
    });
    return rows.map((row) => this.record(entity, row));
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    checkTable(ref.type);
    if (!SYS_ID.test(ref.id)) return null;
    const row = await this.options.client.get(ref.type, ref.id, signal, await this.reads.params(ref.type, [], signal));
    return row ? this.record(ref.type, row) : null;
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    checkTable(type);
    const body = wireBody(fields, await this.reads.meta(type, signal));
    const row = await this.options.client.create(type, body, signal, await this.reads.params(type, Object.keys(body), signal));
    // ServiceNow ignores columns the table does not have; say so, by name, for the admin to fix the mapping.
    const ignored = Object.keys(body).filter((field) => !(field in row));
    if (ignored.length > 0) {
      this.options.logger.warn({ configurationId: this.options.configurationId, table: type, ignored }, 'ServiceNow ignored fields its table does not have');
    }
    return this.record(type, row);
  }

  /**
   * PATCH of the fields that change, after reading the record. ServiceNow silently ignores a column the
   * table does not have, so a misspelt memorialization target would write nothing: it is refused instead,
   * naming the field, and so is a field the dictionary says is read-only or calculated.
   */
  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    checkTable(ref.type);
    const meta = await this.reads.meta(ref.type, signal);
    const body = wireBody(fields, meta);
    const params = await this.reads.params(ref.type, Object.keys(body), signal);
    const current = SYS_ID.test(ref.id) ? await this.options.client.get(ref.type, ref.id, signal, params) : null;
    if (!current) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
    const changed = checkUpdate(ref.type, body, flatFields(current), meta);
    if (Object.keys(changed).length === 0) return this.record(ref.type, current);
    const row = await this.options.client.patch(ref.type, ref.id, changed, signal, params);
    return this.record(ref.type, row);
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

  async searchText(text: string, roles: readonly SearchableRole[], { signal, limit }: QueryOptions): Promise<TextSearchResult> {
    return searchText({ ...this.options, readFields: this.reads }, text, roles, signal, limit);
  }

  async describe(type: string, { signal }: CallOptions): Promise<RecordTypeDescription> {
    signal.throwIfAborted();
    // A name no ServiceNow table can have is a type this CRM does not have.
    if (!TABLE_NAME.test(type)) throw new CrmError(`ServiceNow has no table "${type.slice(0, 80)}"`, 404, { entity: 'no such ServiceNow table' });
    return (await this.metadata.table(type, signal)).description;
  }

  private record(table: string, row: ServiceNowRow): CrmRecord {
    return toRecord(table, row, { typeLabel: this.metadata.cachedLabel(table) });
  }

  /** scan() with the table's read fields (plus `extra`), keeping rows by their stored values. */
  private async scan(
    table: string,
    query: string,
    extra: readonly string[],
    signal: AbortSignal,
    max: number,
    keep: (fields: Record<string, FieldValue>) => boolean = () => true,
  ): Promise<ServiceNowRow[]> {
    const params = await this.reads.params(table, extra, signal);
    return scan(this.options, table, query, params, signal, max, (row) => keep(flatFields(row)));
  }
}

function checkTable(table: string): void {
  if (!TABLE_NAME.test(table)) {
    const why = `"${table}" is not a ServiceNow table name (lower-case letters, digits and "_", e.g. "sn_customerservice_case")`;
    throw new CrmError(why, 400, { entity: why });
  }
}
