import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { FilterExpr } from '../filter.js';
import { CrmError } from '../port.js';
import type { ZendeskCatalog } from './catalog.js';
import type { ZendeskReader } from './reader.js';
import { isZendeskId, toRecord, type ZendeskType } from './records.js';
import { emailQuery, phoneQuery, translateFilter } from './searchQuery.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

export interface ZendeskSearchOptions {
  defaultRegion: string;
  userPhoneFields: readonly string[];
  organizationPhoneFields: readonly string[];
  userEmailFields: readonly string[];
  pageSize: number;
  maxScan: number;
}

/** At most this many users found by a secondary identity are checked one by one (GET their identities). */
const MAX_IDENTITY_CHECKS = 20;
/** The Search API returns at most this many results for one query. */
const SEARCH_RESULTS_LIMIT = 1000;

/**
 * Searches through the Search API (GET /api/v2/search.json), following next_page, then keeping only the
 * records that truly match: Zendesk's search finds words, the port promises exact answers.
 */
export class ZendeskSearch {
  constructor(
    private readonly api: ZendeskApi,
    private readonly catalog: ZendeskCatalog,
    private readonly reader: ZendeskReader,
    private readonly options: ZendeskSearchOptions,
  ) {}

  /** Users (phone, phone identities and the configured custom fields) and organizations (custom fields). */
  async findByPhone(e164: string, signal: AbortSignal): Promise<CrmRecord[]> {
    const national = parsePhoneNumberFromString(e164)?.nationalNumber;
    if (!national) return [];
    const { userPhoneFields, organizationPhoneFields, defaultRegion } = this.options;
    const queries: Array<{ type: ZendeskType; query: string | null }> = [
      { type: 'user', query: phoneQuery('user', 'phone', national) },
      ...userPhoneFields.map((key) => ({ type: 'user' as const, query: phoneQuery('user', key, national) })),
      ...organizationPhoneFields.map((key) => ({ type: 'organization' as const, query: phoneQuery('organization', key, national) })),
    ];
    const same = (value: FieldValue | undefined) => typeof value === 'string' && value !== '' && toE164(value, defaultRegion) === e164;
    const holds = (record: CrmRecord) =>
      record.type === 'user' ? [record.fields.phone, ...userPhoneFields.map((k) => record.fields[k])].some(same) : organizationPhoneFields.some((k) => same(record.fields[k]));
    return this.findPeople(queries, holds, (identity) => identity.type === 'phone_number' && same(String(identity.value ?? '')), signal);
  }

  /** Users whose primary email, another email identity or a configured custom email field is this address. */
  async findByEmail(email: string, signal: AbortSignal): Promise<CrmRecord[]> {
    const address = email.trim().toLowerCase();
    const { userEmailFields } = this.options;
    const queries = [{ type: 'user' as const, query: emailQuery('email', address) }, ...userEmailFields.map((key) => ({ type: 'user' as const, query: emailQuery(key, address) }))];
    const same = (value: FieldValue | undefined) => typeof value === 'string' && value.trim().toLowerCase() === address;
    const holds = (record: CrmRecord) => [record.fields.email, ...userEmailFields.map((k) => record.fields[k])].some(same);
    return this.findPeople(queries, holds, (identity) => identity.type === 'email' && same(String(identity.value ?? '')), signal);
  }

  /** Records of one type matching the filter, at most `limit`. */
  async query(type: ZendeskType, filter: FilterExpr | null, limit: number, signal: AbortSignal): Promise<CrmRecord[]> {
    const custom = type === 'user' ? await this.catalog.userFields(signal) : type === 'organization' ? await this.catalog.organizationFields(signal) : await this.catalog.ticketFields(signal);
    const { plans, matches } = translateFilter(type, filter, custom);
    const found = new Map<string, Json>();
    for (const plan of plans) {
      if (found.size >= limit) break;
      if (plan.kind === 'get') {
        const json = await this.getById(type, plan.id, signal);
        if (json && matches(toRecord(type, json))) found.set(String(json.id), json);
        continue;
      }
      const exhausted = await this.scan(plan.query, type, signal, (record, json) => {
        if (matches(record)) found.set(record.id, json);
        return found.size >= limit;
      });
      if (!exhausted && found.size < limit) {
        throw new CrmError('filter too broad for Zendesk search', 400, {
          filter: `Zendesk's search returns at most ${this.options.maxScan} results and this filter needs more; add an "=" condition on a searchable field (e.g. an id, a status or a whole word of a name)`,
        });
      }
    }
    return this.reader.records(type, [...found.values()].slice(0, limit), signal);
  }

  private async getById(type: ZendeskType, id: string, signal: AbortSignal): Promise<Json | null> {
    try {
      return type === 'user' ? await this.api.getUser(id, signal) : type === 'organization' ? await this.api.getOrganization(id, signal) : await this.api.getTicket(id, signal);
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Runs the queries (in parallel), keeps the records that hold the value in one of their fields, and checks
   * the others (found through a secondary identity) against their identities.
   */
  private async findPeople(
    queries: Array<{ type: ZendeskType; query: string | null }>,
    holds: (record: CrmRecord) => boolean,
    identityMatches: (identity: Json) => boolean,
    signal: AbortSignal,
  ): Promise<CrmRecord[]> {
    const candidates = new Map<string, { record: CrmRecord; json: Json }>();
    await Promise.all(
      queries.map(async ({ type, query }) => {
        if (!query) return;
        await this.scan(query, type, signal, (record, json) => {
          candidates.set(`${record.type}:${record.id}`, { record, json });
          return false;
        });
      }),
    );
    const found: Array<{ record: CrmRecord; json: Json }> = [];
    const unsure: Array<{ record: CrmRecord; json: Json }> = [];
    for (const candidate of candidates.values()) (holds(candidate.record) ? found : unsure).push(candidate);
    for (const candidate of unsure.filter((c) => c.record.type === 'user' && isZendeskId(c.record.id)).slice(0, MAX_IDENTITY_CHECKS)) {
      const identities = await this.api.listIdentities(candidate.record.id, signal);
      if (identities.some(identityMatches)) found.push(candidate);
    }
    const users = await this.reader.records(
      'user',
      found.filter((c) => c.record.type === 'user').map((c) => c.json),
      signal,
    );
    const organizations = await this.reader.records(
      'organization',
      found.filter((c) => c.record.type === 'organization').map((c) => c.json),
      signal,
    );
    return [...users, ...organizations];
  }

  /**
   * Reads a query's pages (newest first) and hands each record of the type (bare: no names, for checking) and
   * its JSON to `take` until it returns true.
   * Resolves to true when the query was read to its end or `take` was satisfied, false when maxScan stopped it.
   */
  async scan(query: string, type: ZendeskType, signal: AbortSignal, take: (record: CrmRecord, json: Json) => boolean): Promise<boolean> {
    const { pageSize, maxScan } = this.options;
    const first = this.api.url('search', { query, per_page: pageSize, sort_by: 'created_at', sort_order: 'desc' });
    let read = 0;
    for await (const page of this.api.pages(first, signal)) {
      const results = Array.isArray(page.results) ? (page.results as Json[]) : [];
      for (const result of results) {
        read++;
        if (result.result_type !== undefined && result.result_type !== type) continue;
        if (take(toRecord(type, result), result)) return true;
      }
      // The Search API answers no page reaching past its 1000th result.
      if (read >= maxScan || read + pageSize > SEARCH_RESULTS_LIMIT) return !page.next_page;
    }
    return true;
  }
}
