import type { CrmRecord } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import type { CustomStatus } from './catalog.js';
import { commentRecord, referencedIds, ticketActivity, toRecord, type MappingContext, type NameBook, type ZendeskType } from './records.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

/** show_many takes at most 100 ids (Zendesk's Show Many Users / Organizations). */
const SHOW_MANY_LIMIT = 100;
/** Without show_many, at most this many names are read one by one per batch. */
const ONE_BY_ONE_LIMIT = 10;

export interface ZendeskReaderOptions {
  userPhoneFields: readonly string[];
  organizationPhoneFields: readonly string[];
  /** How long a name read is kept (names change rarely; a card shows what the CRM said a moment ago). */
  ttlMs: number;
  /** The account's custom ticket statuses (cached by the catalog). */
  customStatuses: (signal: AbortSignal) => Promise<CustomStatus[]>;
  now: () => number;
}

/**
 * Turns Zendesk JSON into the port's records with the names of the users and organizations they point at
 * (a user's organization, a ticket's requester), read in one GET /users/show_many and one
 * GET /organizations/show_many per batch and kept briefly. A name the agent may not read (403) or that is
 * gone (404) is left out: the record still reads, without that name.
 */
export class ZendeskReader {
  private readonly cache = new Map<string, { at: number; name: string | null }>();

  constructor(
    private readonly api: ZendeskApi,
    private readonly options: ZendeskReaderOptions,
  ) {}

  async records(type: ZendeskType, jsons: Json[], signal: AbortSignal): Promise<CrmRecord[]> {
    const ctx = await this.context(jsons, signal, type === 'ticket');
    return jsons.map((json) => toRecord(type, json, ctx));
  }

  async record(type: ZendeskType, json: Json, signal: AbortSignal): Promise<CrmRecord> {
    return (await this.records(type, [json], signal))[0]!;
  }

  /** Tickets the timeline filed for a user, as activities. */
  async ticketActivities(jsons: Json[], signal: AbortSignal): Promise<CrmRecord[]> {
    const ctx = await this.context(jsons, signal, true);
    return jsons.map((json) => ticketActivity(json, ctx));
  }

  async comments(ticketId: string, jsons: Json[], signal: AbortSignal): Promise<CrmRecord[]> {
    const ctx = await this.context(jsons, signal);
    return jsons.map((json) => commentRecord(ticketId, json, ctx));
  }

  private async context(jsons: Json[], signal: AbortSignal, tickets = false): Promise<MappingContext> {
    const organizations = new Set<string>();
    const users = new Set<string>();
    for (const json of jsons) {
      const ids = referencedIds(json);
      ids.organizations.forEach((id) => organizations.add(id));
      ids.users.forEach((id) => users.add(id));
    }
    const withStatus = tickets && jsons.some((json) => json.custom_status_id !== undefined && json.custom_status_id !== null);
    const [statuses] = await Promise.all([
      withStatus ? this.options.customStatuses(signal) : Promise.resolve([]),
      this.load('organizations', [...organizations], signal),
      this.load('users', [...users], signal),
    ]);
    const name = (kind: string) => (id: string) => this.cache.get(`${kind}:${id}`)?.name ?? undefined;
    const names: NameBook = { organization: name('organizations'), user: name('users') };
    return {
      names,
      customStatus: (id) => statuses.find((s) => String(s.id) === id)?.label || undefined,
      userPhoneFields: this.options.userPhoneFields,
      organizationPhoneFields: this.options.organizationPhoneFields,
    };
  }

  private async load(kind: 'organizations' | 'users', ids: string[], signal: AbortSignal): Promise<void> {
    const now = this.options.now();
    const missing = ids.filter((id) => {
      const hit = this.cache.get(`${kind}:${id}`);
      return !hit || now - hit.at >= this.options.ttlMs;
    });
    for (let i = 0; i < missing.length; i += SHOW_MANY_LIMIT) {
      const batch = missing.slice(i, i + SHOW_MANY_LIMIT);
      let found: Json[] = [];
      try {
        found = await this.api.showMany(kind, batch, signal);
      } catch (error) {
        if (!(error instanceof CrmError) || (error.status !== 403 && error.status !== 404)) throw error;
        // show_many leaves unknown ids out, so a 404 means no show_many at all (a proxy or an API gateway
        // in front of Zendesk that lacks it): read a few one by one. A 403 is kept as "no name" until expiry.
        if (error.status === 404) found = await this.oneByOne(kind, batch.slice(0, ONE_BY_ONE_LIMIT), signal);
      }
      for (const id of batch) this.cache.set(`${kind}:${id}`, { at: now, name: null });
      for (const json of found) {
        const name = typeof json.name === 'string' && json.name.trim() ? json.name.trim() : null;
        this.cache.set(`${kind}:${String(json.id)}`, { at: now, name });
      }
    }
    if (this.cache.size > 10_000) this.prune(now);
  }

  private async oneByOne(kind: 'organizations' | 'users', ids: string[], signal: AbortSignal): Promise<Json[]> {
    const read = await Promise.all(
      ids.map((id) =>
        (kind === 'users' ? this.api.getUser(id, signal) : this.api.getOrganization(id, signal)).catch((error: unknown) => {
          if (error instanceof CrmError && (error.status === 403 || error.status === 404)) return null;
          throw error;
        }),
      ),
    );
    return read.filter((json): json is Json => json !== null);
  }

  /** Bounds the cache: drops what has expired. */
  private prune(now: number): void {
    for (const [key, hit] of this.cache) if (now - hit.at >= this.options.ttlMs) this.cache.delete(key);
  }
}
