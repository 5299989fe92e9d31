import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forbidden, HttpFailure, ok, paginate, readBody, send, sorted, type Obj } from './wireHttp.js';
import type { FieldDef, TicketFieldDef } from './wireMetadata.js';
import { WireSearch } from './wireSearch.js';
import { WireStore } from './wireStore.js';
import { WireTickets } from './wireTickets.js';

export { parseQuery } from './wireQuery.js';
export type { FieldDef } from './wireMetadata.js';

/**
 * A local Zendesk Support, speaking the wire format of the REST API (/api/v2) for exactly the endpoints the
 * connector uses, after Zendesk's public API reference:
 * - auth: basic "{email}/token:{api_token}" or "Bearer {oauth_token}"; 401 {"error":"Couldn't authenticate you"};
 * - users (POST/GET/PUT /users, /users/me), user identities (GET/POST/PUT/DELETE /users/{id}/identities), a
 *   user's requested tickets; organizations (POST/GET/PUT, their tickets); tickets (POST, GET/PUT/DELETE,
 *   GET /tickets?external_id=, comments), ticket updates with a comment answered with the audit, and
 *   `safe_update` + `updated_stamp` collision protection (409 UpdateConflict);
 * - custom user / organization / ticket fields and custom ticket statuses;
 * - the Search API (GET /search.json): `type:`, `keyword:value`, `keyword:"phrase"`, `-keyword:value`,
 *   `keyword<value` / `keyword>value` (dates, statuses, priorities), trailing `word*` and, for phone numbers,
 *   a leading `*digits` that matches the number however it was written; words are matched as Zendesk
 *   documents it (a word matches itself and the start of longer words; a phrase its words in order);
 *   results carry result_type; offset pagination with next_page, 1000 results at most;
 * - errors in Zendesk's JSON: 422 {"error":"RecordInvalid","description":"Record validation errors",
 *   "details":{"field":[{"description":"...","error":"..."}]}}, 404 {"error":"RecordNotFound"}, 429 with
 *   Retry-After, 503;
 * - offset (page, per_page, next_page) and cursor (page[size], page[after], links.next, meta.has_more)
 *   pagination, with a small page size so that clients must follow pages.
 * - GET /users/show_many and /organizations/show_many?ids= (at most 100 ids; unknown ids are left out);
 * - 403 {"error":"Forbidden",...} where the agent's role may not see something (`forbid`): which requests
 *   a Zendesk role refuses depends on the account's custom roles, which the reference does not list.
 * The pieces: wireStore.ts (users, identities, organizations), wireTickets.ts, wireSearch.ts + wireQuery.ts
 * (the Search API), wireMetadata.ts (field definitions), wireHttp.ts (errors, pagination).
 * Switches: `failNext` (429/503 with Retry-After, or 404 as from a missing endpoint), `forbid` (403), `acceptTokens` (rotation), `refuseAll`,
 * `requests` (log).
 */

export interface WireServerOptions {
  agentEmail: string;
  apiTokens: string[];
  oauthTokens?: string[];
  /** Results per page at most, whatever per_page asks. */
  pageSize?: number;
  userFields?: FieldDef[];
  organizationFields?: FieldDef[];
  /** Custom ticket fields: their ids are given back by `ticketFieldId(title)`. */
  ticketFields?: TicketFieldDef[];
  /** Custom ticket statuses (label → category); undefined: the account has none (404). */
  customStatuses?: Array<{ label: string; category: string }>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: 'basic' | 'bearer' | 'none';
  body: unknown;
}

export class ZendeskWireServer {
  readonly requests: LoggedRequest[] = [];
  /** Every request refused with 401 while true. */
  refuseAll = false;
  private server!: Server;
  private readonly failures: Array<{ status: number; retryAfter?: string; path?: RegExp }> = [];
  private readonly forbidden: Array<{ path: RegExp; query?: RegExp }> = [];
  private apiTokens: Set<string>;
  private readonly oauthTokens: Set<string>;
  private readonly pageSize: number;
  private readonly store: WireStore;
  private readonly ticketsApi: WireTickets;
  private readonly searchApi: WireSearch;

  private constructor(private readonly options: WireServerOptions) {
    this.apiTokens = new Set(options.apiTokens);
    this.oauthTokens = new Set(options.oauthTokens ?? []);
    this.pageSize = Math.min(options.pageSize ?? 100, 100);
    this.store = new WireStore(options);
    this.ticketsApi = new WireTickets(this.store);
    this.searchApi = new WireSearch(this.store, this.pageSize);
  }

  static async start(options: WireServerOptions): Promise<ZendeskWireServer> {
    const wire = new ZendeskWireServer(options);
    wire.server = createServer((req, res) => {
      void wire.handle(req, res);
    });
    await new Promise<void>((resolve) => wire.server.listen(0, '127.0.0.1', resolve));
    wire.store.baseUrl = `http://127.0.0.1:${(wire.server.address() as AddressInfo).port}`;
    return wire;
  }

  /** The account URL, as an admin configures it (the API lives under /api/v2). */
  get url(): string {
    return this.store.baseUrl;
  }

  get agentId(): number {
    return this.store.agentId;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- Switches ------------------------------------------------------------------------------------------
  /** Drops the failures not yet answered. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** The next `times` requests (to a path matching `path`, when given) fail with this status. */
  failNext(status: number, options: { retryAfter?: string; times?: number; path?: RegExp } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++) this.failures.push({ status, retryAfter: options.retryAfter, path: options.path });
  }
  /** From now on, requests to a matching path (and, when given, with a matching `query` parameter) get 403; call the answer to lift it. */
  forbid(path: RegExp, query?: RegExp): () => void {
    const rule = { path, query };
    this.forbidden.push(rule);
    return () => {
      const at = this.forbidden.indexOf(rule);
      if (at >= 0) this.forbidden.splice(at, 1);
    };
  }
  /** From now on only these API tokens are accepted (an admin rotated the token). */
  acceptTokens(tokens: string[]): void {
    this.apiTokens = new Set(tokens);
  }
  /** Moves the server's clock (ticket times are to the second, like Zendesk's). */
  advanceClock(ms: number): void {
    this.store.clockOffsetMs += ms;
  }
  /** Gives a user one more phone number identity (a secondary phone). */
  addPhoneIdentity(userId: string, phone: string): void {
    const list = this.store.identities.get(Number(userId));
    if (!list) throw new Error(`no user ${userId}`);
    list.push(this.store.identity(Number(userId), 'phone_number', phone, false));
  }
  /** The id of a custom ticket field, by title. */
  ticketFieldId(title: string): number {
    const field = this.store.ticketFieldDefs.find((f) => f.title === title && f.removable === true);
    if (!field) throw new Error(`no custom ticket field ${title}`);
    return Number(field.id);
  }
  ticketCount(): number {
    return this.store.tickets.size;
  }
  commentsOf(ticketId: string): Obj[] {
    return this.store.comments.get(Number(ticketId)) ?? [];
  }
  searchQueries(): string[] {
    return this.requests.filter((r) => r.path === '/api/v2/search.json').map((r) => r.query.get('query') ?? '');
  }

  // --- HTTP ----------------------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.store.baseUrl);
    let body: unknown;
    try {
      const text = await readBody(req);
      body = text ? (JSON.parse(text) as unknown) : undefined;
      const auth = this.authenticate(req.headers.authorization);
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, auth: auth ?? 'none', body });
      const failure = this.failures.findIndex((f) => !f.path || f.path.test(url.pathname));
      if (failure >= 0) {
        const [f] = this.failures.splice(failure, 1);
        const status = f!.status;
        throw new HttpFailure(
          status,
          status === 429
            ? { error: 'TooManyRequests', description: 'Rate limit exceeded' }
            : status === 404
              ? { error: 'InvalidEndpoint', description: 'Not found' }
              : { error: 'ServiceUnavailable', description: 'Maintenance' },
          f!.retryAfter ? { 'Retry-After': f!.retryAfter } : {},
        );
      }
      if (!auth || this.refuseAll) throw new HttpFailure(401, { error: "Couldn't authenticate you" });
      const refused = this.forbidden.some((f) => f.path.test(url.pathname) && (!f.query || f.query.test(url.searchParams.get('query') ?? '')));
      if (refused) throw forbidden();
      const match = /^\/api\/v2\/(.+)\.json$/.exec(url.pathname);
      if (!match) throw new HttpFailure(404, { error: 'InvalidEndpoint', description: 'Not found' });
      const { status, json } = this.route(req.method ?? 'GET', match[1]!.split('/'), url, (body ?? {}) as Obj);
      send(res, status, json);
    } catch (error) {
      if (error instanceof HttpFailure) send(res, error.status, error.body, error.headers);
      else send(res, 500, { error: 'InternalError', description: String(error) });
    }
  }

  private authenticate(header: string | undefined): 'basic' | 'bearer' | null {
    if (!header) return null;
    if (header.startsWith('Bearer ')) return this.oauthTokens.has(header.slice(7)) ? 'bearer' : null;
    if (!header.startsWith('Basic ')) return null;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const at = decoded.indexOf('/token:');
    if (at < 0) return null;
    const email = decoded.slice(0, at);
    const token = decoded.slice(at + '/token:'.length);
    return email.toLowerCase() === this.options.agentEmail.toLowerCase() && this.apiTokens.has(token) ? 'basic' : null;
  }

  private route(method: string, parts: string[], url: URL, body: Obj): { status: number; json: unknown } {
    const [, rawId, , subId] = parts;
    const id = rawId !== undefined && /^\d+$/.test(rawId) ? Number(rawId) : undefined;
    const key = `${method} ${parts.map((p, i) => (/^\d+$/.test(p) ? (i === 1 ? ':id' : ':sid') : p)).join('/')}`;
    switch (key) {
      case 'GET users/me':
        return ok({ user: this.store.renderUser(this.store.users.get(this.store.agentId)!) });
      case 'GET users/show_many':
        return ok({ users: this.showMany(url, this.store.users).map((u) => this.store.renderUser(u)) });
      case 'GET organizations/show_many':
        return ok({ organizations: this.showMany(url, this.store.organizations).map((o) => this.store.renderOrganization(o)) });
      case 'POST users':
        return { status: 201, json: { user: this.store.createUser((body.user ?? {}) as Obj) } };
      case 'GET users/:id':
        return ok({ user: this.store.renderUser(this.store.user(id)) });
      case 'PUT users/:id':
        return ok({ user: this.store.updateUser(this.store.user(id), (body.user ?? {}) as Obj) });
      case 'GET users/:id/identities':
        this.store.user(id);
        return ok(this.paginate(url, 'identities', this.store.identities.get(id!) ?? []));
      case 'POST users/:id/identities':
        return { status: 201, json: { identity: this.store.addIdentity(this.store.user(id), (body.identity ?? {}) as Obj) } };
      case 'PUT users/:id/identities/:sid':
        return ok({ identity: this.store.changeIdentity(this.store.user(id), Number(subId), (body.identity ?? {}) as Obj) });
      case 'DELETE users/:id/identities/:sid': {
        const list = this.store.identities.get(this.store.user(id).id as number) ?? [];
        this.store.identities.set(
          id!,
          list.filter((i) => i.id !== Number(subId)),
        );
        return { status: 204, json: undefined };
      }
      case 'GET users/:id/tickets/requested':
        this.store.user(id);
        return ok(
          this.paginate(
            url,
            'tickets',
            sorted(
              url,
              [...this.store.tickets.values()].filter((t) => t.requester_id === id),
            ),
          ),
        );
      case 'POST organizations':
        return { status: 201, json: { organization: this.store.createOrganization((body.organization ?? {}) as Obj) } };
      case 'GET organizations/:id':
        return ok({ organization: this.store.renderOrganization(this.store.organization(id)) });
      case 'PUT organizations/:id':
        return ok({ organization: this.store.updateOrganization(this.store.organization(id), (body.organization ?? {}) as Obj) });
      case 'GET organizations/:id/tickets':
        this.store.organization(id);
        return ok(
          this.paginate(
            url,
            'tickets',
            sorted(
              url,
              [...this.store.tickets.values()].filter((t) => t.organization_id === id),
            ),
          ),
        );
      case 'POST tickets':
        return { status: 201, json: this.ticketsApi.createTicket((body.ticket ?? {}) as Obj) };
      case 'GET tickets': {
        const external = url.searchParams.get('external_id');
        const all = [...this.store.tickets.values()].filter((t) => external === null || t.external_id === external);
        return ok(this.paginate(url, 'tickets', sorted(url, all)));
      }
      case 'GET tickets/:id':
        return ok({ ticket: this.ticketsApi.ticket(id) });
      case 'PUT tickets/:id':
        return ok(this.ticketsApi.updateTicket(this.ticketsApi.ticket(id), (body.ticket ?? {}) as Obj));
      case 'DELETE tickets/:id':
        this.ticketsApi.ticket(id);
        this.store.tickets.delete(id!);
        return { status: 204, json: undefined };
      case 'GET tickets/:id/comments': {
        const list = [...(this.store.comments.get(this.ticketsApi.ticket(id).id as number) ?? [])];
        if (url.searchParams.get('sort_order') === 'desc') list.reverse();
        return ok(this.paginate(url, 'comments', list));
      }
      case 'GET search':
        return ok(this.searchApi.search(url));
      case 'GET user_fields':
        return ok(this.paginate(url, 'user_fields', this.store.userFieldDefs));
      case 'GET organization_fields':
        return ok(this.paginate(url, 'organization_fields', this.store.organizationFieldDefs));
      case 'GET ticket_fields':
        return ok(this.paginate(url, 'ticket_fields', this.store.ticketFieldDefs));
      case 'GET custom_statuses':
        if (!this.store.customStatuses) throw new HttpFailure(404, { error: 'InvalidEndpoint', description: 'Not found' });
        return ok({ custom_statuses: this.store.customStatuses });
      default:
        throw new HttpFailure(404, { error: 'InvalidEndpoint', description: `Not found: ${method} ${parts.join('/')}` });
    }
  }

  /** show_many: the comma-separated ids (at most 100, else 400), in the order asked; unknown ids are left out. */
  private showMany(url: URL, records: Map<number, Obj>): Obj[] {
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > 100) throw new HttpFailure(400, { error: 'InvalidParameter', description: 'Too many ids (maximum is 100)' });
    return ids.map((id) => records.get(Number(id))).filter((r): r is Obj => r !== undefined);
  }

  private paginate(url: URL, name: string, items: Obj[]): Obj {
    return paginate(url, name, items, this.pageSize, this.store.baseUrl);
  }
}
