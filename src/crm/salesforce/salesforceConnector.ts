import type { SaveResult, SearchResult } from 'jsforce';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions, type RecordTypeDescription, type SearchableRole, type TextSearchResult } from '../port.js';
import { listActivities, logActivity } from './activities.js';
import { MAX_ROWS, rowLimit, SalesforceClient, type SalesforceConnectorOptions } from './client.js';
import { filterToSoql } from './filterToSoql.js';
import { PHONE_FIELDS, SALESFORCE_STANDARD_TYPES, type SearchObject, type SObjectJson } from './records.js';
import { assertObjectName, isSalesforceId, soqlString, soslWord } from './soql.js';
import { searchText } from './textSearch.js';

export type { SalesforceConnectorOptions } from './client.js';

const NEWEST_FIRST = 'ORDER BY CreatedDate DESC, Id DESC';

/**
 * Salesforce through jsforce (REST API): SOSL for Search for ANI, by email and by text, SOQL for Custom
 * Search, open cases, single records and timelines, sObject resources for writes, sObject Describe for
 * labels and picklists. Each port call gets its own jsforce Connection over a transport bound to the call's
 * AbortSignal (see client.ts and transport.ts); tokens come from the configuration's flow.
 */
export class SalesforceConnector implements CrmConnector {
  readonly standardTypes = SALESFORCE_STANDARD_TYPES;
  /** Salesforce can do every workflow of the catalogue. */
  readonly unsupported = {};
  private readonly client: SalesforceClient;

  constructor(options: SalesforceConnectorOptions) {
    this.client = new SalesforceClient(options);
  }

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const { defaultRegion } = this.client.options;
    const wanted = toE164(e164, defaultRegion);
    if (!wanted) return [];
    // People first: the data dip links a contact before the account it belongs to.
    const objects: SearchObject[] = ['Contact', 'Account', 'Lead'];
    // Search by the digits however they may be stored (national, with country code, with trunk prefix),
    // then keep only the records whose phone normalizes to the very number asked for.
    const sosl = `FIND {${phoneSearchWords(wanted).map(soslWord).join(' OR ')}} IN PHONE FIELDS RETURNING ${this.client.returning(objects)} LIMIT ${MAX_ROWS}`;
    const found = await this.client.call(signal, 'read', 'Contact', async (conn) => this.client.mapped(conn, searchRecords(await conn.search(sosl)), ''));
    return found.filter((record) =>
      (PHONE_FIELDS[record.type as SearchObject] ?? []).some((field) => {
        const value = record.fields[field];
        return typeof value === 'string' && toE164(value, defaultRegion) === wanted;
      }),
    );
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const address = email.trim();
    if (address.length < 3 || address.length > 254 || /\s/.test(address)) return [];
    const sosl = `FIND {${soslWord(address)}} IN EMAIL FIELDS RETURNING ${this.client.returning(['Contact', 'Lead'])} LIMIT ${MAX_ROWS}`;
    const found = await this.client.call(signal, 'read', 'Contact', async (conn) => this.client.mapped(conn, searchRecords(await conn.search(sosl)), ''));
    const lower = address.toLowerCase();
    return found.filter((record) => typeof record.fields.Email === 'string' && record.fields.Email.toLowerCase() === lower);
  }

  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const field = record.type === 'Contact' ? 'ContactId' : record.type === 'Account' ? 'AccountId' : undefined;
    if (!field || !isSalesforceId(record.id)) return [];
    const clauses = `WHERE ${field} = ${soqlString(record.id)} AND IsClosed = false ${NEWEST_FIRST}`;
    return this.client.call(signal, 'read', 'Case', (conn) => this.client.read(conn, 'Case', clauses, rowLimit(limit)));
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    assertObjectName(entity);
    const where = filter ? `WHERE ${filterToSoql(filter)} ` : '';
    try {
      return await this.client.call(signal, 'query', entity, (conn) => this.client.read(conn, entity, `${where}${NEWEST_FIRST}`, rowLimit(limit)));
    } catch (error) {
      throw noSuchObject(error, entity);
    }
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    assertObjectName(ref.type, 'type');
    if (!isSalesforceId(ref.id)) return null;
    try {
      // A SOQL read rather than GET /sobjects/<Type>/<Id>, which has no related names (Account.Name).
      return await this.client.call(signal, 'read', ref.type, (conn) => this.byId(conn, ref));
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    assertObjectName(type);
    try {
      return await this.client.call(signal, 'write', type, async (conn) => {
        const saved = await conn.request<SaveResult>({
          method: 'POST',
          url: `/sobjects/${type}`,
          body: JSON.stringify(fields),
          headers: { 'content-type': 'application/json' },
        });
        if (!saved.success) throw new CrmError(`Salesforce did not create the ${type}`, 400, { [type]: saved.errors.map((e) => e.message).join('; ') });
        // The POST answers only the id; the record's computed fields (CaseNumber, Name...) come from a read.
        return this.byId(conn, { type, id: saved.id });
      });
    } catch (error) {
      throw noSuchObject(error, type);
    }
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    assertObjectName(ref.type, 'type');
    if (!isSalesforceId(ref.id)) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
    return this.client.call(signal, 'write', ref.type, async (conn) => {
      await conn.request({
        method: 'PATCH',
        url: `/sobjects/${ref.type}/${ref.id}`,
        body: JSON.stringify(fields),
        headers: { 'content-type': 'application/json' },
      });
      return this.byId(conn, ref);
    });
  }

  logActivity(activity: ActivityInput, options: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    return logActivity(this.client, activity, options);
  }

  listActivities(ref: RecordRef, options: QueryOptions): Promise<CrmRecord[]> {
    return listActivities(this.client, ref, options);
  }

  searchText(text: string, roles: readonly SearchableRole[], options: QueryOptions): Promise<TextSearchResult> {
    return searchText(this.client, text, roles, options);
  }

  async describe(type: string, { signal }: CallOptions): Promise<RecordTypeDescription> {
    signal.throwIfAborted();
    assertObjectName(type, 'type');
    const cached = this.client.cachedMetadata(type);
    if (cached) return cached.description;
    return (await this.client.call(signal, 'read', type, (conn) => this.client.metadata(conn, type))).description;
  }

  /** One record with every field and its related records' names; a 404 when Salesforce has none with that id. */
  private async byId(conn: Parameters<SalesforceClient['read']>[0], ref: RecordRef): Promise<CrmRecord> {
    const [record] = await this.client.read(conn, ref.type, `WHERE Id = ${soqlString(ref.id)}`, 1);
    if (!record) throw new CrmError(`Salesforce has no such ${ref.type}`, 404);
    return record;
  }
}

function searchRecords(result: SearchResult): SObjectJson[] {
  return (result.searchRecords ?? []) as SObjectJson[];
}

/** A type Salesforce does not have (its describe is 404) is the caller's entity at fault: 400 naming it. */
function noSuchObject(error: unknown, type: string): unknown {
  if (error instanceof CrmError && error.status === 404) {
    return new CrmError(`Salesforce has no object "${type}"`, 400, { entity: `Salesforce has no object "${type}" (or the integration user cannot see it)` });
  }
  return error;
}

/** The digit strings a phone field may hold for this number: national, international, national with trunk prefix. */
function phoneSearchWords(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const words = new Set<string>([e164.replace(/\D/g, '')]);
  if (parsed) {
    words.add(String(parsed.nationalNumber));
    words.add(parsed.formatNational().replace(/\D/g, ''));
  }
  return [...words].filter((w) => w.length >= 2);
}
