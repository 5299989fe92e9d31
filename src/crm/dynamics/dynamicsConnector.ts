import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions, type RecordTypeDescription, type SearchableRole, type TextSearchResult } from '../port.js';
import type { DataverseClient } from './dataverseClient.js';
import { describeTable, selectOf } from './describe.js';
import { DataverseMetadata, type TableInfo } from './metadata.js';
import { ODataParams, toODataFilter } from './odataFilter.js';
import { guidOf, toPayload } from './payload.js';
import { candidateFilter, matchesNumber, PHONE_TABLES, type PhoneTable } from './phoneSearch.js';
import { DataverseReader, type Row, type TableQuery } from './reader.js';
import { toRecord } from './recordMapping.js';
import { DYNAMICS_STANDARD_TYPES } from './standardTypes.js';
import { searchText } from './textSearch.js';
import { DynamicsTimeline } from './timeline.js';

export interface DynamicsConnectorOptions {
  client: DataverseClient;
  defaultRegion: string;
  /** Records per page asked of Dataverse (Prefer: odata.maxpagesize). */
  pageSize: number;
  timeline: { activity: 'phonecall' | 'task'; keyColumn: string };
  phoneColumns: Record<PhoneTable, readonly string[]>;
  logger: Logger;
}

/** Search for ANI reads at most this many candidates per table (numbers sharing the last four digits). */
const PHONE_CANDIDATE_LIMIT = 1000;
const EMAIL_COLUMNS = ['emailaddress1', 'emailaddress2', 'emailaddress3'];

/**
 * Dynamics 365 / Dataverse through its Web API (dynamics-web-api, tokens from MSAL). Record types are table
 * logical names ("contact", "incident"), fields are column logical names; see recordMapping.ts for how lookups
 * and choices read, payload.ts for how they are written. The timeline is a completed phone call (or task)
 * regarding the record (timeline.ts); text search is in textSearch.ts; table descriptions in describe.ts.
 */
export class DynamicsConnector implements CrmConnector {
  readonly standardTypes = DYNAMICS_STANDARD_TYPES;
  readonly unsupported = {};
  private readonly client: DataverseClient;
  private readonly metadata: DataverseMetadata;
  private readonly reader: DataverseReader;
  private readonly timeline: DynamicsTimeline;

  constructor(private readonly options: DynamicsConnectorOptions) {
    this.client = options.client;
    this.metadata = new DataverseMetadata(options.client);
    this.reader = new DataverseReader(options.client, options.pageSize, options.logger);
    this.timeline = new DynamicsTimeline(options.client, this.metadata, this.reader, options.timeline);
  }

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const searches: Array<TableQuery & { columns: string[] }> = [];
    // A plain Dataverse environment may lack a table (lead without Dynamics 365 Sales): it is skipped.
    const tables = await Promise.all(PHONE_TABLES.map((name) => this.metadata.resolve(name, signal)));
    for (const [i, name] of PHONE_TABLES.entries()) {
      const table = tables[i];
      if (!table) continue;
      const columns = this.options.phoneColumns[name].filter((c) => table.columns.has(c));
      const params = new ODataParams();
      const filter = candidateFilter(e164, columns, params);
      if (filter) searches.push({ table, columns, request: this.reader.request(table, filter, params, PHONE_CANDIDATE_LIMIT, undefined, columns) });
    }
    const rows = await this.reader.tolerant('search by phone number', searches, PHONE_CANDIDATE_LIMIT, signal);
    return searches.flatMap(({ table, columns }, i) => rows[i]!.map((row) => toRecord(table, row)).filter((record) => matchesNumber(record.fields, columns, e164, this.options.defaultRegion)));
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const wanted = email.trim().toLowerCase();
    const searches: Array<TableQuery & { columns: string[] }> = [];
    for (const table of await Promise.all(['contact', 'lead'].map((name) => this.metadata.resolve(name, signal)))) {
      if (!table) continue;
      const columns = EMAIL_COLUMNS.filter((c) => table.columns.has(c));
      if (columns.length === 0) continue;
      const params = new ODataParams();
      const alias = params.text(wanted);
      const filter = columns.map((c) => `${c} eq ${alias}`).join(' or ');
      searches.push({ table, columns, request: this.reader.request(table, filter, params, 200, undefined, columns) });
    }
    const rows = await this.reader.tolerant('search by email', searches, 200, signal);
    return searches.flatMap(({ table, columns }, i) =>
      rows[i]!.map((row) => toRecord(table, row)).filter((r) =>
        columns.some(
          (c) =>
            String(r.fields[c] ?? '')
              .trim()
              .toLowerCase() === wanted,
        ),
      ),
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
    const holder = record.type === 'contact' && table.columns.has('primarycontactid') ? `(_customerid_value eq ${who} or _primarycontactid_value eq ${who})` : `_customerid_value eq ${who}`;
    const request = this.reader.request(table, `${holder} and statecode eq 0`, params, limit, ['createdon desc']);
    const rows = await this.reader.collect('read open cases', request, limit, signal);
    return rows.map((row) => toRecord(table, row));
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const table = await this.metadata.require(entity, signal);
    const params = new ODataParams();
    const odata = filter ? toODataFilter(filter, table, params) : undefined;
    const order = table.primaryName ? [`${table.primaryName} asc`] : undefined;
    const rows = await this.reader.collect(`search ${table.logicalName}`, this.reader.request(table, odata, params, limit, order), limit, signal);
    return rows.map((row) => toRecord(table, row));
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    const table = await this.metadata.resolve(ref.type, signal);
    const id = guidOf(ref.id);
    if (!table || !id) return null;
    try {
      const row = await this.client.call({ operation: `read ${table.logicalName} ${id}` }, signal, (api) =>
        api.retrieve<Row>({ collection: table.entitySetName, key: id, select: selectOf(table), includeAnnotations: '*', signal }),
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
    const { body, fieldNames, readOnly } = toPayload(table, fields, 'create');
    if (readOnly.length > 0) this.options.logger.debug({ table: table.logicalName, readOnly }, 'read-only fields left out of a Dynamics 365 create');
    arrangeCaseCustomer(table, body);
    const row = await this.client.call({ operation: `create ${table.logicalName}`, fields: fieldNames }, signal, (api) =>
      api.create<Row, Row>({ collection: table.entitySetName, data: body, returnRepresentation: true, select: selectOf(table), includeAnnotations: '*', signal }),
    );
    return toRecord(table, row);
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const table = await this.metadata.require(ref.type, signal);
    const id = guidOf(ref.id);
    if (!id) throw new CrmError(`${table.logicalName} ${ref.id} does not exist (a Dataverse id is a GUID)`, 404);
    const { body, fieldNames, readOnly } = toPayload(table, fields, 'update');
    if (Object.keys(body).length === 0 && readOnly.length > 0) {
      const errors = Object.fromEntries(readOnly.map((f) => [f, 'is read-only in Dynamics 365']));
      throw new CrmError(`Dynamics 365 does not let ${readOnly.join(', ')} be changed: read-only`, 400, errors);
    }
    // Derived and system fields a card sends back unchanged ("parentcustomeridname"): Dataverse would refuse them.
    if (readOnly.length > 0) this.options.logger.debug({ table: table.logicalName, readOnly }, 'read-only fields left out of a Dynamics 365 update');
    arrangeCaseCustomer(table, body);
    // If-Match: * (dynamics-web-api's default for update): update only, never create a record under this id.
    const row = await this.client.call({ operation: `update ${table.logicalName} ${id}`, fields: fieldNames }, signal, (api) =>
      api.update<Row, Row>({ collection: table.entitySetName, key: id, data: body, returnRepresentation: true, select: selectOf(table), includeAnnotations: '*', signal }),
    );
    return toRecord(table, row);
  }

  /** The timeline (timeline.ts): a completed phone call or task dated by `at`, one per key. */
  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    return this.timeline.log(activity, signal, (ref) => this.get(ref, { signal }));
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.timeline.list(ref, limit, signal);
  }

  async searchText(text: string, roles: readonly SearchableRole[], { signal, limit }: QueryOptions): Promise<TextSearchResult> {
    signal.throwIfAborted();
    return searchText({ metadata: this.metadata, reader: this.reader, defaultRegion: this.options.defaultRegion }, text, roles, limit, signal);
  }

  /** A table from its EntityDefinitions (cached with the table): labels, kinds, writability, choices. */
  async describe(type: string, { signal }: CallOptions): Promise<RecordTypeDescription> {
    signal.throwIfAborted();
    const table = await this.metadata.resolve(type, signal);
    if (!table) throw new CrmError(`Dynamics 365 has no table "${type.slice(0, 100)}"`, 404);
    return describeTable(table);
  }
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
