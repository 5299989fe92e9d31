import { createHash } from 'node:crypto';
import type { RetrieveMultipleRequest, RetrieveMultipleResponse } from 'dynamics-web-api';
import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions } from '../port.js';
import type { DataverseClient } from './dataverseClient.js';
import { DataverseMetadata, type TableInfo } from './metadata.js';
import { ODataParams, toODataFilter } from './odataFilter.js';
import { candidateFilter, matchesNumber, PHONE_TABLES, type PhoneTable } from './phoneSearch.js';
import { guidOf, toPayload, toRecord } from './recordMapping.js';
import { DYNAMICS_STANDARD_TYPES } from './standardTypes.js';

export interface DynamicsConnectorOptions {
  client: DataverseClient;
  defaultRegion: string;
  /** Records per page asked of Dataverse (Prefer: odata.maxpagesize). */
  pageSize: number;
  timeline: { activity: 'phonecall' | 'task'; keyColumn: string };
  phoneColumns: Record<PhoneTable, readonly string[]>;
  logger: Logger;
}

type Row = Record<string, unknown>;

/** Search for ANI reads at most this many candidates per table (numbers sharing the last four digits). */
const PHONE_CANDIDATE_LIMIT = 1000;
const EMAIL_COLUMNS = ['emailaddress1', 'emailaddress2', 'emailaddress3'];
/**
 * Activity ids are derived from the idempotency key (a name-based UUID in this namespace), so that the
 * create is conditional on the id (If-None-Match: *) and two workers racing on one key write one activity.
 * Changing this namespace would let retries of earlier jobs write a second activity.
 */
const ACTIVITY_ID_NAMESPACE = '5b0c8d0e-6a3f-4f9e-9c41-2d7e8a1f3b65';

/**
 * Dynamics 365 / Dataverse through its Web API (dynamics-web-api, tokens from MSAL). Record types are table
 * logical names ("contact", "incident"), fields are column logical names; see recordMapping.ts for how lookups
 * and choices read and write. The timeline is a completed phone call (or task) regarding the record.
 */
export class DynamicsConnector implements CrmConnector {
  readonly standardTypes = DYNAMICS_STANDARD_TYPES;
  readonly unsupported = {};
  private readonly client: DataverseClient;
  private readonly metadata: DataverseMetadata;

  constructor(private readonly options: DynamicsConnectorOptions) {
    this.client = options.client;
    this.metadata = new DataverseMetadata(options.client);
  }

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const searches = [];
    // A plain Dataverse environment may lack a table (lead without Dynamics 365 Sales): it is skipped.
    const tables = await Promise.all(PHONE_TABLES.map((name) => this.metadata.resolve(name, signal)));
    for (const [i, name] of PHONE_TABLES.entries()) {
      const table = tables[i];
      if (!table) continue;
      const columns = this.options.phoneColumns[name].filter((c) => table.columns.has(c));
      const params = new ODataParams();
      const filter = candidateFilter(e164, columns, params);
      if (filter) searches.push({ table, columns, request: this.listRequest(table, filter, params, PHONE_CANDIDATE_LIMIT) });
    }
    const rows = await this.searchTogether('search by phone number', searches, PHONE_CANDIDATE_LIMIT, signal);
    return searches.flatMap(({ table, columns }, i) =>
      rows[i]!.map((row) => toRecord(table, row)).filter((record) => matchesNumber(record.fields, columns, e164, this.options.defaultRegion)),
    );
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const wanted = email.trim().toLowerCase();
    const searches = [];
    for (const table of await Promise.all(['contact', 'lead'].map((name) => this.metadata.resolve(name, signal)))) {
      if (!table) continue;
      const columns = EMAIL_COLUMNS.filter((c) => table.columns.has(c));
      if (columns.length === 0) continue;
      const params = new ODataParams();
      const alias = params.text(wanted);
      const filter = columns.map((c) => `${c} eq ${alias}`).join(' or ');
      searches.push({ table, columns, request: this.listRequest(table, filter, params, 200) });
    }
    const rows = await this.searchTogether('search by email', searches, 200, signal);
    return searches.flatMap(({ table, columns }, i) =>
      rows[i]!.map((row) => toRecord(table, row)).filter((r) => columns.some((c) => String(r.fields[c] ?? '').trim().toLowerCase() === wanted)),
    );
  }

  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const id = guidOf(record.id);
    if (!id || (record.type !== 'contact' && record.type !== 'account')) return [];
    const table = await this.metadata.resolve('incident', signal);
    if (!table) return [];
    const params = new ODataParams();
    const who = params.alias(id);
    // A contact's cases: those it is the customer of, and those it is the primary contact of.
    const holder =
      record.type === 'contact' && table.columns.has('primarycontactid')
        ? `(_customerid_value eq ${who} or _primarycontactid_value eq ${who})`
        : `_customerid_value eq ${who}`;
    const request = this.listRequest(table, `${holder} and statecode eq 0`, params, limit, ['createdon desc']);
    const rows = await this.collect('read open cases', request, limit, signal);
    return rows.map((row) => toRecord(table, row));
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const table = await this.metadata.require(entity, signal);
    const params = new ODataParams();
    const odata = filter ? toODataFilter(filter, table, params) : undefined;
    const order = table.primaryName ? [`${table.primaryName} asc`] : undefined;
    const rows = await this.collect(`search ${table.logicalName}`, this.listRequest(table, odata, params, limit, order), limit, signal);
    return rows.map((row) => toRecord(table, row));
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    const table = await this.metadata.resolve(ref.type, signal);
    const id = guidOf(ref.id);
    if (!table || !id) return null;
    try {
      const row = await this.client.call({ operation: `read ${table.logicalName} ${id}` }, signal, (api) =>
        api.retrieve<Row>({ collection: table.entitySetName, key: id, includeAnnotations: '*', signal }),
      );
      return toRecord(table, row);
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const table = await this.metadata.require(type, signal);
    const { body, fieldNames } = toPayload(table, fields);
    arrangeCaseCustomer(table, body);
    const row = await this.client.call({ operation: `create ${table.logicalName}`, fields: fieldNames }, signal, (api) =>
      api.create<Row, Row>({ collection: table.entitySetName, data: body, returnRepresentation: true, includeAnnotations: '*', signal }),
    );
    return toRecord(table, row);
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const table = await this.metadata.require(ref.type, signal);
    const id = guidOf(ref.id);
    if (!id) throw new CrmError(`${table.logicalName} ${ref.id} does not exist (a Dataverse id is a GUID)`, 404);
    const { body, fieldNames } = toPayload(table, fields);
    arrangeCaseCustomer(table, body);
    // If-Match: * (dynamics-web-api's default for update): update only, never create a record under this id.
    const row = await this.client.call({ operation: `update ${table.logicalName} ${id}`, fields: fieldNames }, signal, (api) =>
      api.update<Row, Row>({ collection: table.entitySetName, key: id, data: body, returnRepresentation: true, includeAnnotations: '*', signal }),
    );
    return toRecord(table, row);
  }

  /**
   * The timeline: a completed phone call (or task) regarding the record. Its id is derived from the key and it
   * is created only if no record has that id yet (upsert with If-None-Match: *); Dataverse answers 412 when
   * one has, and that one is returned. The key is also written to the configured column, for people.
   */
  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    const { activity: activityType, keyColumn } = this.options.timeline;
    const table = await this.metadata.table(activityType, signal);
    const regarding = await this.metadata.require(activity.regarding.type, signal, 'regarding');
    const regardingId = guidOf(activity.regarding.id);
    if (!regardingId) throw new CrmError(`${regarding.logicalName} ${activity.regarding.id} does not exist (a Dataverse id is a GUID)`, 404);
    const navigation = table.lookups.get('regardingobjectid')?.find((n) => n.target === regarding.logicalName);
    if (!navigation) {
      const message = `a ${activityType} cannot be regarding a ${regarding.logicalName} in this environment`;
      throw new CrmError(message, 400, { regarding: message });
    }
    const id = nameBasedUuid(activity.key);
    // Texts are cut to the column's length: a long note must not make every retry of the timeline fail.
    const fit = (column: string, text: string) => {
      const max = table.columns.get(column)?.maxLength;
      return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
    };
    const keyLength = table.columns.get(keyColumn)?.maxLength ?? 100;
    const body: Row = {
      subject: fit('subject', activity.subject),
      description: fit('description', activity.description),
      [`${navigation.name}@odata.bind`]: `/${regarding.entitySetName}(${regardingId})`,
      // The key itself when it fits the column, else its digest (the id already makes the write idempotent).
      [keyColumn]: activity.key.length <= keyLength ? activity.key : `sha256:${createHash('sha256').update(activity.key).digest('hex')}`.slice(0, keyLength),
      ...completed(table, activityType),
    };
    const seconds = activity.fields.durationSeconds;
    if (typeof seconds === 'number' && table.columns.has('actualdurationminutes')) body.actualdurationminutes = Math.ceil(seconds / 60);
    if (activityType === 'phonecall') {
      body.directioncode = false; // incoming
      if (typeof activity.fields.phoneNumber === 'string') body.phonenumber = activity.fields.phoneNumber;
    }
    const context = { operation: `log the ${activityType} of ${activity.regarding.type} ${regardingId}` };
    try {
      const row = await this.client.call(context, signal, (api) =>
        api.upsert<Row, Row>({ collection: table.entitySetName, key: id, data: body, ifnonematch: '*', returnRepresentation: true, includeAnnotations: '*', signal }),
      );
      return { record: toRecord(table, row), created: true };
    } catch (error) {
      if (!(error instanceof CrmError && error.status === 412)) throw error;
    }
    const existing = await this.get({ type: table.logicalName, id }, { signal });
    if (!existing) throw new CrmError(`the ${activityType} ${id} of key ${activity.key} exists but cannot be read`);
    return { record: existing, created: false };
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const id = guidOf(ref.id);
    if (!id) return [];
    const table = await this.metadata.table('activitypointer', signal);
    const params = new ODataParams();
    const request = this.listRequest(table, `_regardingobjectid_value eq ${params.alias(id)}`, params, limit, ['createdon desc']);
    const rows = await this.collect('read the timeline', request, limit, signal);
    return rows.map((row) => toRecord(table, row, typeof row.activitytypecode === 'string' ? row.activitytypecode : table.logicalName));
  }

  private listRequest(table: TableInfo, filter: string | undefined, params: ODataParams, limit: number, orderBy?: string[]): RetrieveMultipleRequest {
    return {
      collection: table.entitySetName,
      filter,
      queryParams: params.toQueryParams(),
      orderBy,
      maxPageSize: Math.max(1, Math.min(limit, this.options.pageSize)),
      includeAnnotations: '*',
    };
  }

  /** The rows of a query, following @odata.nextLink until `limit` rows (or the last page). */
  private async collect(operation: string, request: RetrieveMultipleRequest, limit: number, signal: AbortSignal, first?: RetrieveMultipleResponse<Row>): Promise<Row[]> {
    let page = first ?? (await this.client.call({ operation }, signal, (api) => api.retrieveMultiple<Row>({ ...request, signal })));
    const rows = [...page.value];
    while (rows.length < limit && page.oDataNextLink) {
      const next = page.oDataNextLink;
      page = await this.client.call({ operation }, signal, (api) => api.retrieveMultiple<Row>({ ...request, signal }, next));
      rows.push(...page.value);
    }
    return rows.slice(0, limit);
  }

  /**
   * Several queries whose first pages go in one $batch; each query's next pages follow on their own. A query
   * that reaches `limit` rows is cut there, and said so in the log (its last matches may be missing).
   */
  private async searchTogether(operation: string, searches: Array<{ request: RetrieveMultipleRequest }>, limit: number, signal: AbortSignal): Promise<Row[][]> {
    if (searches.length === 0) return [];
    const firstPages = (await this.client.batch({ operation }, signal, (api) =>
      searches.map(({ request }) => api.retrieveMultiple<Row>(request)),
    )) as Array<RetrieveMultipleResponse<Row>>;
    const results = await Promise.all(searches.map(({ request }, i) => this.collect(operation, request, limit + 1, signal, firstPages[i])));
    return results.map((rows, i) => {
      if (rows.length > limit) {
        this.options.logger.warn({ operation, table: searches[i]!.request.collection, limit }, 'Dynamics 365 search stopped at its candidate limit; matches may be missing');
      }
      return rows.slice(0, limit);
    });
  }
}

/** statecode/statuscode of a completed activity: a received call, a completed task. */
function completed(table: TableInfo, activityType: string): Row {
  const reasons = table.columns.get('statuscode')?.options?.filter((o) => o.state === 1) ?? [];
  const reason = (activityType === 'phonecall' ? reasons.find((o) => o.value === 4) : undefined) ?? reasons[0];
  return reason ? { statecode: 1, statuscode: reason.value } : {};
}

/**
 * A case's customer is one record: given both a contact and an account (a contact at an account), the account
 * is the customer and the contact becomes the primary contact.
 */
function arrangeCaseCustomer(table: TableInfo, body: Row): void {
  const contact = 'customerid_contact@odata.bind';
  if (table.logicalName !== 'incident' || !(contact in body) || !('customerid_account@odata.bind' in body)) return;
  const primary = table.navigations.get('primarycontactid');
  if (!primary) return;
  body[`${primary.name}@odata.bind`] = body[contact];
  delete body[contact];
}

/** A name-based (version 5, SHA-1) UUID of `name` in the activity namespace. */
export function nameBasedUuid(name: string): string {
  const namespace = Buffer.from(ACTIVITY_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
