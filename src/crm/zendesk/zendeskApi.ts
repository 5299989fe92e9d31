import nodeZendesk from 'node-zendesk';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import type { ZendeskCredentials } from './auth.js';
import { retryAfterMs } from '../../http/retryAfter.js';
import type { RetryPolicy } from '../shared/httpKit/retryConfig.js';
import { isThrottleStatus, withRetries, type GiveUp, type TryOutcome } from '../shared/httpKit/withRetries.js';
import { toCrmError, ZendeskHttpError } from './errors.js';

/** A Zendesk JSON object as it came over the wire. */
export type Json = Record<string, unknown>;

type ZendeskClient = ReturnType<typeof nodeZendesk.createClient>;

/** The fetch-like answer node-zendesk's transport expects back. */
interface TransportAnswer {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

export interface ZendeskApiOptions {
  /** "https://acme.zendesk.com" */
  baseUrl: string;
  credentials: ZendeskCredentials;
  logger: Logger;
  retry: RetryPolicy;
}

/**
 * Zendesk Support's REST API through node-zendesk. Each call builds a client bound to the call's
 * AbortSignal (node-zendesk takes a custom transport, not a signal), so a workflow's deadline stops the
 * request in flight. One place handles what every call shares:
 * - 429 and 503: tried again under the `retry` policy (withRetries: Retry-After, else backoff; never past
 *   the signal; a Retry-After longer than the policy allows fails at once, saying so);
 * - 401: the token is read again from the environment once (Zendesk tokens do not expire, but an admin may
 *   have rotated it); when it did not change, the refusal is final;
 * - every other non-2xx answer becomes a CrmError (see toCrmError), without any credential in it.
 * Each public method sends exactly one request (or one library call that pages by itself), so a retry
 * repeats only what failed.
 */
export class ZendeskApi {
  readonly endpointUri: string;

  constructor(private readonly options: ZendeskApiOptions) {
    this.endpointUri = `${options.baseUrl}/api/v2`;
  }

  /** The absolute URL of an API path ("tickets/1/comments") with its query parameters. */
  url(path: string, params: Record<string, string | number | undefined> = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    const text = query.toString();
    return `${this.endpointUri}/${path}.json${text ? `?${text}` : ''}`;
  }

  /** Whether a next-page URL Zendesk returned points back at this account (credentials go nowhere else). */
  ownsUrl(url: string): boolean {
    return url.startsWith(`${this.endpointUri}/`);
  }

  // --- Users ---------------------------------------------------------------------------------------------
  async getUser(id: string, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.users.show(Number(id))), 'user');
  }
  async createUser(user: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.users.create({ user })), 'user');
  }
  async updateUser(id: string, user: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.users.update(Number(id), { user })), 'user');
  }
  /** The agent the credentials act as. */
  async me(signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.users.me()), 'user');
  }
  async listIdentities(userId: string, signal: AbortSignal): Promise<Json[]> {
    return (await this.runValue(signal, (c) => c.useridentities.list(Number(userId)))) as Json[];
  }
  async createIdentity(userId: string, identity: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.useridentities.create(Number(userId), { identity })), 'identity');
  }
  async updateIdentity(userId: string, identityId: string, identity: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.useridentities.update(Number(userId), Number(identityId), { identity })), 'identity');
  }

  // --- Organizations -------------------------------------------------------------------------------------
  async getOrganization(id: string, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.organizations.show(Number(id))), 'organization');
  }
  async createOrganization(organization: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.organizations.create({ organization })), 'organization');
  }
  async updateOrganization(id: string, organization: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.organizations.update(Number(id), { organization })), 'organization');
  }

  // --- Tickets -------------------------------------------------------------------------------------------
  async getTicket(id: string, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.tickets.show(Number(id))), 'ticket');
  }
  async createTicket(ticket: Json, signal: AbortSignal): Promise<Json> {
    return field(await this.run(signal, (c) => c.tickets.create({ ticket })), 'ticket');
  }
  /** PUT /tickets/{id}: the answer holds the ticket and the audit (whose events name a new comment). */
  async updateTicket(id: string, body: Json, signal: AbortSignal): Promise<{ ticket: Json; audit: Json | undefined }> {
    const answer = await this.run(signal, (c) => c.tickets.update(Number(id), body));
    return { ticket: field(answer, 'ticket'), audit: answer.audit as Json | undefined };
  }
  async deleteTicket(id: string, signal: AbortSignal): Promise<void> {
    await this.run(signal, (c) => c.tickets.delete(Number(id)));
  }

  /** Users or organizations by id, at most 100 (GET /users/show_many, /organizations/show_many); unknown ids are left out. */
  async showMany(kind: 'users' | 'organizations', ids: string[], signal: AbortSignal): Promise<Json[]> {
    const answer = await this.run(signal, (c) => (kind === 'users' ? c.users : c.organizations).showMany(ids.map(Number)));
    return Array.isArray(answer[kind]) ? (answer[kind] as Json[]) : [];
  }

  // --- Definitions ---------------------------------------------------------------------------------------
  async userFields(signal: AbortSignal): Promise<Json[]> {
    return (await this.runValue(signal, (c) => c.userfields.list())) as Json[];
  }
  async organizationFields(signal: AbortSignal): Promise<Json[]> {
    return (await this.runValue(signal, (c) => c.organizationfields.list())) as Json[];
  }
  async ticketFields(signal: AbortSignal): Promise<Json[]> {
    return (await this.runValue(signal, (c) => c.ticketfields.list())) as Json[];
  }
  /** Custom ticket statuses; node-zendesk has no client for them, so its generic GET is used. */
  async customStatuses(signal: AbortSignal): Promise<Json[]> {
    const answer = await this.run(signal, (c) => c.tickets.get(this.url('custom_statuses')));
    return Array.isArray(answer.custom_statuses) ? (answer.custom_statuses as Json[]) : [];
  }

  // --- Lists and search ----------------------------------------------------------------------------------
  /**
   * One page of a list or of the Search API at an absolute URL (a first page from `url`, or the next_page /
   * links.next Zendesk returned), as the raw JSON: node-zendesk's own list methods keep only the items and
   * read every page, where callers here stop as soon as they have enough.
   */
  async page(url: string, signal: AbortSignal): Promise<Json> {
    if (!this.ownsUrl(url)) throw new CrmError('Zendesk returned a next page outside the configured account', 502);
    return this.run(signal, (c) => (url.includes('/search.json') ? c.search.get(url) : c.tickets.get(url)));
  }

  /** Pages of a list, following next_page (offset) or links.next (cursor) until there are no more. */
  async *pages(firstUrl: string, signal: AbortSignal): AsyncGenerator<Json> {
    let url: string | null = firstUrl;
    while (url) {
      const body: Json = await this.page(url, signal);
      yield body;
      url = nextPage(body);
    }
  }

  // --- Transport -----------------------------------------------------------------------------------------
  /** Runs one library call and returns the raw JSON body of its (last) answer. */
  private async run(signal: AbortSignal, send: (client: ZendeskClient) => Promise<unknown>): Promise<Json> {
    return (await this.call(signal, send)).body;
  }

  /** Runs one library call and returns what the library made of the answer (e.g. all pages' items). */
  private async runValue(signal: AbortSignal, send: (client: ZendeskClient) => Promise<unknown>): Promise<unknown> {
    return (await this.call(signal, send)).value;
  }

  private async call(signal: AbortSignal, send: (client: ZendeskClient) => Promise<unknown>): Promise<{ value: unknown; body: Json }> {
    const { logger, retry, credentials } = this.options;
    let renewed = false;
    const attempt = async (): Promise<TryOutcome<{ value: unknown; body: Json }>> => {
      for (;;) {
        signal.throwIfAborted();
        const capture: { body?: unknown } = {};
        try {
          const value = await send(this.client(signal, capture));
          const body = capture.body && typeof capture.body === 'object' ? (capture.body as Json) : {};
          return { done: { value, body } };
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          if (!(error instanceof ZendeskHttpError)) throw unreachable(error, this.options.baseUrl);
          if (isThrottleStatus(error.status)) return { throttled: { status: error.status, retryAfterMs: error.retryAfterMs }, giveUp: (why) => this.giveUp(error, why) };
          if (error.status === 401 && !renewed && credentials.renew()) {
            renewed = true;
            logger.warn({ path: error.path }, 'Zendesk refused the credentials; the secret changed in the environment, trying once with it');
            continue;
          }
          throw toCrmError(error, () => credentials.describeRefusal());
        }
      }
    };
    return withRetries(retry, signal, attempt, {
      onWait: ({ throttle, waitMs, retry: n }) => logger.warn({ status: throttle.status, attempt: n, waitMs }, 'Zendesk asked to wait; retrying'),
    });
  }

  /** A throttled call that is not tried again; a Retry-After too long for the configuration says so. */
  private giveUp(error: ZendeskHttpError, why: GiveUp): never {
    if (why.why === 'retryAfter') {
      throw new CrmError(
        `Zendesk asks to wait ${Math.ceil(why.waitMs / 1000)} s before trying again (HTTP ${error.status}); that is longer than this configuration waits (${Math.round(why.maxRetryAfterMs / 1000)} s)`,
        error.status,
      );
    }
    throw toCrmError(error, () => this.options.credentials.describeRefusal());
  }

  private client(signal: AbortSignal, capture: { body?: unknown }): ZendeskClient {
    const creds = this.options.credentials.current();
    return nodeZendesk.createClient({
      endpointUri: this.endpointUri,
      username: creds.username,
      token: creds.token,
      oauth: creds.oauth,
      throwOriginalException: true,
      debug: false,
      transportConfig: {
        transportFn: async (uri: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<TransportAnswer> => {
          const response = await fetch(uri, { method: init.method, headers: init.headers, body: init.body, signal });
          const text = await response.text();
          const body = parseJson(text);
          if (!response.ok) {
            throw new ZendeskHttpError(response.status, body, retryAfterMs(response.headers.get('retry-after'), Date.now()), pathOf(uri));
          }
          capture.body = body;
          return { status: response.status, statusText: response.statusText, headers: response.headers, json: async () => body };
        },
        responseAdapter: (answer: TransportAnswer) => answer,
      },
    });
  }
}

/** The next page Zendesk names: next_page (offset pagination) or links.next (cursor pagination). */
export function nextPage(body: Json): string | null {
  const meta = body.meta as { has_more?: unknown } | undefined;
  const links = body.links as { next?: unknown } | undefined;
  if (meta && meta.has_more === false) return null;
  if (typeof links?.next === 'string' && links.next) return links.next;
  return typeof body.next_page === 'string' && body.next_page ? body.next_page : null;
}

function field(body: Json, name: string): Json {
  const value = body[name];
  if (!value || typeof value !== 'object') throw new CrmError(`Zendesk answered without the ${name}`, 502);
  return value as Json;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return '(unknown path)';
  }
}

/** A failure before any HTTP answer (DNS, refused connection, TLS): says where, never with what credentials. */
function unreachable(error: unknown, baseUrl: string): Error {
  if (error instanceof CrmError) return error;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  if (error instanceof TypeError) return new CrmError(`could not reach Zendesk at ${baseUrl}${code}`);
  return error instanceof Error ? error : new CrmError('the Zendesk call failed');
}
