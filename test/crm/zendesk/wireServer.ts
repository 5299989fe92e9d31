import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
 * Switches: `failNext` (429/503 with Retry-After), `acceptTokens` (rotation), `refuseAll`, `requests` (log).
 */

type Obj = Record<string, unknown>;

export interface FieldDef {
  key: string;
  type?: string;
  title?: string;
}

export interface WireServerOptions {
  agentEmail: string;
  apiTokens: string[];
  oauthTokens?: string[];
  /** Results per page at most, whatever per_page asks. */
  pageSize?: number;
  userFields?: FieldDef[];
  organizationFields?: FieldDef[];
  /** Custom ticket fields: their ids are given back by `ticketFieldId(title)`. */
  ticketFields?: Array<{ title: string; type?: string }>;
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

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TICKET_TYPES = ['question', 'incident', 'problem', 'task'];
const MAX_RESULTS = 1000;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const invalid = (field: string, description: string, error = 'InvalidValue') =>
  new HttpFailure(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } });
const notFound = () => new HttpFailure(404, { error: 'RecordNotFound', description: 'Not found' });

export class ZendeskWireServer {
  readonly requests: LoggedRequest[] = [];
  /** Every request refused with 401 while true. */
  refuseAll = false;
  private server!: Server;
  private baseUrl = '';
  private nextId = 360_000_001_000;
  private clockOffsetMs = 0;
  private readonly failures: Array<{ status: number; retryAfter?: string; path?: RegExp }> = [];
  private apiTokens: Set<string>;
  private readonly oauthTokens: Set<string>;
  private readonly pageSize: number;
  readonly agentId: number;

  private readonly users = new Map<number, Obj>();
  private readonly identities = new Map<number, Obj[]>();
  private readonly organizations = new Map<number, Obj>();
  private readonly tickets = new Map<number, Obj>();
  private readonly comments = new Map<number, Obj[]>();
  private readonly userFieldDefs: Obj[];
  private readonly organizationFieldDefs: Obj[];
  private readonly ticketFieldDefs: Obj[];
  private readonly customStatuses: Obj[] | undefined;

  private constructor(private readonly options: WireServerOptions) {
    this.apiTokens = new Set(options.apiTokens);
    this.oauthTokens = new Set(options.oauthTokens ?? []);
    this.pageSize = Math.min(options.pageSize ?? 100, 100);
    const fieldDef = (f: FieldDef, i: number, kind: string): Obj => ({
      id: this.id(),
      url: '',
      type: f.type ?? 'text',
      key: f.key,
      title: f.title ?? f.key,
      active: true,
      position: i,
      kind,
    });
    this.userFieldDefs = (options.userFields ?? []).map((f, i) => fieldDef(f, i, 'user'));
    this.organizationFieldDefs = (options.organizationFields ?? []).map((f, i) => fieldDef(f, i, 'organization'));
    const system = ['subject', 'description', 'status', 'tickettype', 'priority', 'group', 'assignee'].map((type) => ({
      id: this.id(),
      type,
      title: type,
      active: true,
      removable: false,
    }));
    const custom = (options.ticketFields ?? []).map((f) => ({ id: this.id(), type: f.type ?? 'text', title: f.title, active: true, removable: true }));
    this.ticketFieldDefs = [...system, ...custom];
    const defaults = STATUSES.filter((s) => s !== 'closed').map((s) => ({ label: s[0]!.toUpperCase() + s.slice(1), category: s }));
    this.customStatuses = options.customStatuses
      ? [...defaults, ...options.customStatuses].map((s, i) => ({
          id: this.id(),
          status_category: s.category,
          agent_label: s.label,
          end_user_label: s.label,
          active: true,
          default: i < defaults.length,
        }))
      : undefined;
    this.agentId = this.id();
    const now = this.now();
    this.users.set(this.agentId, this.newUser({ id: this.agentId, name: 'Integration Agent', role: 'admin', created_at: now, updated_at: now }));
    this.identities.set(this.agentId, [this.identity(this.agentId, 'email', options.agentEmail, true)]);
  }

  static async start(options: WireServerOptions): Promise<ZendeskWireServer> {
    const wire = new ZendeskWireServer(options);
    wire.server = createServer((req, res) => {
      void wire.handle(req, res);
    });
    await new Promise<void>((resolve) => wire.server.listen(0, '127.0.0.1', resolve));
    wire.baseUrl = `http://127.0.0.1:${(wire.server.address() as AddressInfo).port}`;
    return wire;
  }

  /** The account URL, as an admin configures it (the API lives under /api/v2). */
  get url(): string {
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- Switches ------------------------------------------------------------------------------------------
  /** The next `times` requests (to a path matching `path`, when given) fail with this status. */
  failNext(status: number, options: { retryAfter?: string; times?: number; path?: RegExp } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++) this.failures.push({ status, retryAfter: options.retryAfter, path: options.path });
  }
  /** From now on only these API tokens are accepted (an admin rotated the token). */
  acceptTokens(tokens: string[]): void {
    this.apiTokens = new Set(tokens);
  }
  /** Moves the server's clock (ticket times are to the second, like Zendesk's). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }
  /** Gives a user one more phone number identity (a secondary phone). */
  addPhoneIdentity(userId: string, phone: string): void {
    const list = this.identities.get(Number(userId));
    if (!list) throw new Error(`no user ${userId}`);
    list.push(this.identity(Number(userId), 'phone_number', phone, false));
  }
  /** The id of a custom ticket field, by title. */
  ticketFieldId(title: string): number {
    const field = this.ticketFieldDefs.find((f) => f.title === title && f.removable === true);
    if (!field) throw new Error(`no custom ticket field ${title}`);
    return Number(field.id);
  }
  ticketCount(): number {
    return this.tickets.size;
  }
  commentsOf(ticketId: string): Obj[] {
    return this.comments.get(Number(ticketId)) ?? [];
  }
  searchQueries(): string[] {
    return this.requests.filter((r) => r.path === '/api/v2/search.json').map((r) => r.query.get('query') ?? '');
  }

  // --- HTTP ----------------------------------------------------------------------------------------------
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
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
          status === 429 ? { error: 'TooManyRequests', description: 'Rate limit exceeded' } : { error: 'ServiceUnavailable', description: 'Maintenance' },
          f!.retryAfter ? { 'Retry-After': f!.retryAfter } : {},
        );
      }
      if (!auth || this.refuseAll) throw new HttpFailure(401, { error: "Couldn't authenticate you" });
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
        return ok({ user: this.renderUser(this.users.get(this.agentId)!) });
      case 'POST users':
        return { status: 201, json: { user: this.createUser((body.user ?? {}) as Obj) } };
      case 'GET users/:id':
        return ok({ user: this.renderUser(this.user(id)) });
      case 'PUT users/:id':
        return ok({ user: this.updateUser(this.user(id), (body.user ?? {}) as Obj) });
      case 'GET users/:id/identities':
        this.user(id);
        return ok(this.paginate(url, 'identities', this.identities.get(id!) ?? []));
      case 'POST users/:id/identities':
        return { status: 201, json: { identity: this.addIdentity(this.user(id), (body.identity ?? {}) as Obj) } };
      case 'PUT users/:id/identities/:sid':
        return ok({ identity: this.changeIdentity(this.user(id), Number(subId), (body.identity ?? {}) as Obj) });
      case 'DELETE users/:id/identities/:sid': {
        const list = this.identities.get(this.user(id).id as number) ?? [];
        this.identities.set(id!, list.filter((i) => i.id !== Number(subId)));
        return { status: 204, json: undefined };
      }
      case 'GET users/:id/tickets/requested':
        this.user(id);
        return ok(this.paginate(url, 'tickets', this.sorted(url, [...this.tickets.values()].filter((t) => t.requester_id === id))));
      case 'POST organizations':
        return { status: 201, json: { organization: this.createOrganization((body.organization ?? {}) as Obj) } };
      case 'GET organizations/:id':
        return ok({ organization: this.renderOrganization(this.organization(id)) });
      case 'PUT organizations/:id':
        return ok({ organization: this.updateOrganization(this.organization(id), (body.organization ?? {}) as Obj) });
      case 'GET organizations/:id/tickets':
        this.organization(id);
        return ok(this.paginate(url, 'tickets', this.sorted(url, [...this.tickets.values()].filter((t) => t.organization_id === id))));
      case 'POST tickets':
        return { status: 201, json: this.createTicket((body.ticket ?? {}) as Obj) };
      case 'GET tickets': {
        const external = url.searchParams.get('external_id');
        const all = [...this.tickets.values()].filter((t) => external === null || t.external_id === external);
        return ok(this.paginate(url, 'tickets', this.sorted(url, all)));
      }
      case 'GET tickets/:id':
        return ok({ ticket: this.ticket(id) });
      case 'PUT tickets/:id':
        return ok(this.updateTicket(this.ticket(id), (body.ticket ?? {}) as Obj));
      case 'DELETE tickets/:id':
        this.ticket(id);
        this.tickets.delete(id!);
        return { status: 204, json: undefined };
      case 'GET tickets/:id/comments': {
        const list = [...(this.comments.get(this.ticket(id).id as number) ?? [])];
        if (url.searchParams.get('sort_order') === 'desc') list.reverse();
        return ok(this.paginate(url, 'comments', list));
      }
      case 'GET search':
        return ok(this.search(url));
      case 'GET user_fields':
        return ok(this.paginate(url, 'user_fields', this.userFieldDefs));
      case 'GET organization_fields':
        return ok(this.paginate(url, 'organization_fields', this.organizationFieldDefs));
      case 'GET ticket_fields':
        return ok(this.paginate(url, 'ticket_fields', this.ticketFieldDefs));
      case 'GET custom_statuses':
        if (!this.customStatuses) throw new HttpFailure(404, { error: 'InvalidEndpoint', description: 'Not found' });
        return ok({ custom_statuses: this.customStatuses });
      default:
        throw new HttpFailure(404, { error: 'InvalidEndpoint', description: `Not found: ${method} ${parts.join('/')}` });
    }
  }

  // --- Users ---------------------------------------------------------------------------------------------
  private user(id: number | undefined): Obj {
    const user = id === undefined ? undefined : this.users.get(id);
    if (!user) throw notFound();
    return user;
  }

  private newUser(fields: Obj): Obj {
    return {
      url: '',
      email: null,
      phone: null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: 'en-US',
      time_zone: 'Pacific Time (US & Canada)',
      iana_time_zone: 'America/Los_Angeles',
      organization_id: null,
      role: 'end-user',
      verified: false,
      external_id: null,
      tags: [],
      alias: null,
      active: true,
      shared: false,
      shared_agent: false,
      last_login_at: null,
      two_factor_auth_enabled: false,
      signature: null,
      details: '',
      notes: '',
      role_type: null,
      custom_role_id: null,
      moderator: false,
      ticket_restriction: 'requested',
      only_private_comments: false,
      restricted_agent: true,
      suspended: false,
      default_group_id: null,
      report_csv: false,
      user_fields: {},
      ...fields,
    };
  }

  private renderUser(user: Obj): Obj {
    const id = user.id as number;
    const primary = (this.identities.get(id) ?? []).find((i) => i.type === 'email' && i.primary === true);
    const userFields = Object.fromEntries(
      this.userFieldDefs.map((f) => [f.key as string, ((user.user_fields ?? {}) as Obj)[f.key as string] ?? null]),
    );
    return { ...user, url: `${this.baseUrl}/api/v2/users/${id}.json`, email: primary?.value ?? null, user_fields: userFields };
  }

  private createUser(input: Obj): Obj {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw invalid('name', 'Name:  is too short (minimum is 1 character)', 'BlankValue');
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : null;
    if (email) this.checkEmail(email, undefined);
    if (input.role !== undefined && !['end-user', 'agent', 'admin'].includes(String(input.role))) {
      throw invalid('role', `Role: ${String(input.role)} is not a valid role`);
    }
    if (input.organization_id !== undefined && input.organization_id !== null) this.organizationRef(input.organization_id, 'organization_id');
    const id = this.id();
    const now = this.now();
    const { email: _email, user_fields: userFields, ...rest } = input;
    const user = this.newUser({ ...rest, id, name, created_at: now, updated_at: now, user_fields: this.customValues(userFields, this.userFieldDefs) });
    this.users.set(id, user);
    this.identities.set(id, email ? [this.identity(id, 'email', email, true)] : []);
    return this.renderUser(user);
  }

  private updateUser(user: Obj, input: Obj): Obj {
    const { email, user_fields: userFields, id: _id, ...rest } = input;
    if (rest.name !== undefined && String(rest.name).trim() === '') throw invalid('name', 'Name:  is too short (minimum is 1 character)', 'BlankValue');
    if (rest.organization_id !== undefined && rest.organization_id !== null) this.organizationRef(rest.organization_id, 'organization_id');
    if (typeof email === 'string' && email.trim()) {
      // Zendesk: "On update, a secondary email is added" (the primary one stays).
      const address = email.trim().toLowerCase();
      const id = user.id as number;
      if (!(this.identities.get(id) ?? []).some((i) => i.value === address)) {
        this.checkEmail(address, id);
        this.identities.get(id)!.push(this.identity(id, 'email', address, false));
      }
    }
    Object.assign(user, rest, { updated_at: this.now() });
    user.user_fields = { ...((user.user_fields ?? {}) as Obj), ...this.customValues(userFields, this.userFieldDefs) };
    return this.renderUser(user);
  }

  private identity(userId: number, type: string, value: string, primary: boolean): Obj {
    const now = this.now();
    return { url: '', id: this.id(), user_id: userId, type, value, verified: false, primary, created_at: now, updated_at: now };
  }

  private addIdentity(user: Obj, input: Obj): Obj {
    const id = user.id as number;
    const type = String(input.type ?? '');
    if (!['email', 'phone_number'].includes(type)) throw invalid('type', `Type: ${type} is not a valid identity type`);
    const value = type === 'email' ? String(input.value ?? '').trim().toLowerCase() : String(input.value ?? '').trim();
    if (type === 'email') this.checkEmail(value, undefined);
    const list = this.identities.get(id)!;
    const primary = input.primary === true || !list.some((i) => i.type === type && i.primary === true);
    if (primary) for (const i of list) if (i.type === type) i.primary = false;
    const identity = this.identity(id, type, value, primary);
    list.push(identity);
    return identity;
  }

  private changeIdentity(user: Obj, identityId: number, input: Obj): Obj {
    const identity = (this.identities.get(user.id as number) ?? []).find((i) => i.id === identityId);
    if (!identity) throw notFound();
    if (input.value !== undefined) {
      const value = identity.type === 'email' ? String(input.value).trim().toLowerCase() : String(input.value).trim();
      if (identity.type === 'email') this.checkEmail(value, user.id as number, identityId);
      identity.value = value;
    }
    if (input.verified !== undefined) identity.verified = input.verified === true;
    identity.updated_at = this.now();
    return identity;
  }

  private checkEmail(email: string, ownerId: number | undefined, identityId?: number): void {
    if (!/^[^@\s"]+@[^@\s"]+\.[^@\s"]+$/.test(email)) throw invalid('email', `Email: ${email} is not properly formatted`, 'InvalidFormat');
    for (const [userId, list] of this.identities) {
      for (const i of list) {
        if (i.type === 'email' && i.value === email && i.id !== identityId && (userId !== ownerId || ownerId === undefined)) {
          throw invalid('email', `Email: ${email} is already being used by another user`, 'DuplicateValue');
        }
      }
    }
  }

  // --- Organizations -------------------------------------------------------------------------------------
  private organization(id: number | undefined): Obj {
    const org = id === undefined ? undefined : this.organizations.get(id);
    if (!org) throw notFound();
    return org;
  }

  private organizationRef(value: unknown, field: string): void {
    if (typeof value !== 'number' || !this.organizations.has(value)) throw invalid(field, 'Organization: is invalid');
  }

  private renderOrganization(org: Obj): Obj {
    const custom = Object.fromEntries(
      this.organizationFieldDefs.map((f) => [f.key as string, ((org.organization_fields ?? {}) as Obj)[f.key as string] ?? null]),
    );
    return { ...org, url: `${this.baseUrl}/api/v2/organizations/${String(org.id)}.json`, organization_fields: custom };
  }

  private createOrganization(input: Obj): Obj {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    if ([...this.organizations.values()].some((o) => String(o.name).toLowerCase() === name.toLowerCase())) {
      throw invalid('name', 'Name: has already been taken', 'DuplicateValue');
    }
    const id = this.id();
    const now = this.now();
    const { organization_fields: custom, ...rest } = input;
    const org: Obj = {
      id,
      url: '',
      name,
      shared_tickets: false,
      shared_comments: false,
      external_id: null,
      created_at: now,
      updated_at: now,
      domain_names: [],
      details: null,
      notes: null,
      group_id: null,
      tags: [],
      ...rest,
      organization_fields: this.customValues(custom, this.organizationFieldDefs),
    };
    org.name = name;
    this.organizations.set(id, org);
    return this.renderOrganization(org);
  }

  private updateOrganization(org: Obj, input: Obj): Obj {
    const { organization_fields: custom, id: _id, ...rest } = input;
    Object.assign(org, rest, { updated_at: this.now() });
    org.organization_fields = { ...((org.organization_fields ?? {}) as Obj), ...this.customValues(custom, this.organizationFieldDefs) };
    return this.renderOrganization(org);
  }

  /** Custom field values by key; keys the account does not define are dropped, as Zendesk does. */
  private customValues(input: unknown, defs: Obj[]): Obj {
    if (!input || typeof input !== 'object') return {};
    return Object.fromEntries(Object.entries(input as Obj).filter(([k]) => defs.some((d) => d.key === k)));
  }

  // --- Tickets -------------------------------------------------------------------------------------------
  private ticket(id: number | undefined): Obj {
    const ticket = id === undefined ? undefined : this.tickets.get(id);
    if (!ticket) throw notFound();
    return ticket;
  }

  private createTicket(input: Obj): Obj {
    const comment = (input.comment ?? {}) as Obj;
    const text = typeof comment.body === 'string' ? comment.body : '';
    if (!text.trim()) throw invalid('description', 'Description: cannot be blank', 'BlankValue');
    const id = this.id();
    const now = this.now();
    const requester = input.requester_id === undefined ? this.agentId : input.requester_id;
    if (typeof requester !== 'number' || !this.users.has(requester)) throw invalid('requester_id', 'Requester: is invalid');
    const ticket: Obj = {
      url: `${this.baseUrl}/api/v2/tickets/${id}.json`,
      id,
      external_id: null,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: now,
      updated_at: now,
      type: null,
      subject: null,
      raw_subject: null,
      description: text,
      priority: null,
      status: 'new',
      custom_status_id: null,
      recipient: null,
      requester_id: requester,
      submitter_id: this.agentId,
      assignee_id: null,
      organization_id: (this.users.get(requester)!.organization_id as number | null) ?? null,
      group_id: null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: comment.public !== false,
      due_at: null,
      tags: [],
      custom_fields: this.ticketFieldDefs.filter((f) => f.removable === true).map((f) => ({ id: f.id, value: null })),
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      followup_ids: [],
      brand_id: 360_000_000_001,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
    this.applyTicket(ticket, input, true);
    this.tickets.set(id, ticket);
    this.comments.set(id, []);
    const audit = this.addComment(ticket, comment);
    return { ticket, audit };
  }

  private updateTicket(ticket: Obj, input: Obj): Obj {
    if (input.safe_update === true && input.updated_stamp !== ticket.updated_at) {
      throw new HttpFailure(409, {
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      });
    }
    if (ticket.status === 'closed') throw invalid('status', 'Status: closed prevents ticket update', 'ClosedTicket');
    this.applyTicket(ticket, input, false);
    // Zendesk's stamps are to the second; each update moves it forward, so a stale stamp is always seen.
    const previous = Date.parse(String(ticket.updated_at));
    ticket.updated_at = new Date(Math.max(Date.parse(this.now()), previous + 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const comment = input.comment as Obj | undefined;
    const audit = comment && typeof comment.body === 'string' ? this.addComment(ticket, comment) : { id: this.id(), ticket_id: ticket.id, events: [] };
    return { ticket, audit };
  }

  private applyTicket(ticket: Obj, input: Obj, creating: boolean): void {
    const set = (k: string) => input[k] !== undefined;
    if (set('subject')) ticket.subject = ticket.raw_subject = input.subject;
    if (set('priority')) {
      if (input.priority !== null && !PRIORITIES.includes(String(input.priority))) throw invalid('priority', `Priority: ${String(input.priority)} is not valid`);
      ticket.priority = input.priority;
    }
    if (set('type')) {
      if (input.type !== null && !TICKET_TYPES.includes(String(input.type))) throw invalid('type', `Type: ${String(input.type)} is not valid`);
      ticket.type = input.type;
    }
    for (const k of ['requester_id', 'assignee_id']) {
      if (set(k) && input[k] !== null && (typeof input[k] !== 'number' || !this.users.has(input[k]))) {
        throw invalid(k, `${k === 'requester_id' ? 'Requester' : 'Assignee'}: is invalid`);
      }
    }
    if (set('organization_id') && input.organization_id !== null) this.organizationRef(input.organization_id, 'organization_id');
    for (const k of ['requester_id', 'assignee_id', 'organization_id', 'group_id', 'external_id', 'due_at', 'problem_id', 'brand_id', 'recipient']) {
      if (set(k)) ticket[k] = input[k];
    }
    if (set('tags')) ticket.tags = input.tags;
    if (set('custom_status_id')) {
      const custom = this.customStatuses?.find((s) => s.id === input.custom_status_id);
      if (!custom) throw invalid('custom_status_id', 'Custom status: is invalid');
      ticket.custom_status_id = custom.id;
      ticket.status = custom.status_category;
    }
    if (set('status')) {
      if (!STATUSES.includes(String(input.status))) throw invalid('status', `Status: ${String(input.status)} is not a valid status`);
      ticket.status = input.status;
    } else if (creating && ticket.assignee_id && ticket.status === 'new') {
      ticket.status = 'open';
    }
    if (Array.isArray(input.custom_fields)) {
      const values = ticket.custom_fields as Array<{ id: unknown; value: unknown }>;
      for (const entry of input.custom_fields as Obj[]) {
        const slot = values.find((v) => v.id === entry.id);
        if (slot) slot.value = entry.value;
      }
    }
  }

  private addComment(ticket: Obj, input: Obj): Obj {
    const body = String(input.body);
    const comment = {
      id: this.id(),
      type: 'Comment',
      author_id: this.agentId,
      body,
      html_body: `<div class="zd-comment"><p>${body.replace(/[<>&]/g, ' ')}</p></div>`,
      plain_body: body,
      public: input.public !== false,
      attachments: [],
      audit_id: this.id(),
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: this.now(),
      metadata: { system: {}, custom: {} },
    };
    this.comments.get(ticket.id as number)!.push(comment);
    const { created_at: createdAt, via: _via, metadata: _metadata, ...event } = comment;
    return { id: comment.audit_id, ticket_id: ticket.id, created_at: createdAt, author_id: this.agentId, events: [{ ...event }] };
  }

  // --- Search --------------------------------------------------------------------------------------------
  private search(url: URL): Obj {
    const query = url.searchParams.get('query') ?? '';
    const clauses = parseQuery(query);
    const pool: Array<{ type: string; obj: Obj }> = [
      ...[...this.users.values()].map((u) => ({ type: 'user', obj: this.renderUser(u) })),
      ...[...this.organizations.values()].map((o) => ({ type: 'organization', obj: this.renderOrganization(o) })),
      ...[...this.tickets.values()].map((t) => ({ type: 'ticket', obj: t })),
    ];
    const hits = pool.filter(({ type, obj }) =>
      clauses.every((c) => (c.keyword === 'type' ? c.negated !== (c.value.toLowerCase() === type) : c.negated !== this.clauseMatches(type, obj, c))),
    );
    const results = this.sorted(url, hits.map(({ type, obj }) => ({ ...obj, result_type: type })));
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 100) || 100, this.pageSize);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    if ((page - 1) * perPage >= MAX_RESULTS) {
      throw new HttpFailure(422, { error: 'invalid', description: 'Invalid search: Requested response size was greater than Search Response Limits' });
    }
    const slice = results.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < Math.min(results.length, MAX_RESULTS);
    return {
      results: slice,
      facets: null,
      next_page: more ? this.pageUrl(url, { page: String(page + 1) }) : null,
      previous_page: page > 1 ? this.pageUrl(url, { page: String(page - 1) }) : null,
      count: results.length,
    };
  }

  /** The values a search keyword looks at, for one record, and how it compares them. */
  private valuesOf(type: string, obj: Obj, keyword: string): { values: string[]; mode: 'text' | 'exact' | 'email' | 'phone' | 'date' | 'status' | 'priority' } | null {
    const str = (v: unknown) => (v === null || v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
    const common: Record<string, () => ReturnType<ZendeskWireServer['valuesOf']>> = {
      name: () => ({ values: str(obj.name), mode: 'text' }),
      external_id: () => ({ values: str(obj.external_id), mode: 'text' }),
      tags: () => ({ values: str(obj.tags), mode: 'text' }),
      notes: () => ({ values: str(obj.notes), mode: 'text' }),
      details: () => ({ values: str(obj.details), mode: 'text' }),
      created: () => ({ values: str(obj.created_at), mode: 'date' }),
      updated: () => ({ values: str(obj.updated_at), mode: 'date' }),
    };
    if (type === 'user') {
      const identities = this.identities.get(obj.id as number) ?? [];
      const byKind: typeof common = {
        ...common,
        email: () => ({ values: identities.filter((i) => i.type === 'email').map((i) => String(i.value)), mode: 'email' }),
        phone: () => ({ values: [...str(obj.phone), ...identities.filter((i) => i.type === 'phone_number').map((i) => String(i.value))], mode: 'phone' }),
        role: () => ({ values: str(obj.role), mode: 'exact' }),
        organization_id: () => ({ values: str(obj.organization_id), mode: 'exact' }),
      };
      if (byKind[keyword]) return byKind[keyword]!();
      if (this.userFieldDefs.some((f) => f.key === keyword)) return { values: str((obj.user_fields as Obj)[keyword]), mode: 'text' };
      return null;
    }
    if (type === 'organization') {
      if (common[keyword]) return common[keyword]!();
      if (this.organizationFieldDefs.some((f) => f.key === keyword)) return { values: str((obj.organization_fields as Obj)[keyword]), mode: 'text' };
      return null;
    }
    const ticket: typeof common = {
      external_id: common.external_id!,
      tags: common.tags!,
      created: common.created!,
      updated: common.updated!,
      subject: () => ({ values: str(obj.subject), mode: 'text' }),
      description: () => ({ values: str(obj.description), mode: 'text' }),
      status: () => ({ values: str(obj.status), mode: 'status' }),
      priority: () => ({ values: str(obj.priority), mode: 'priority' }),
      ticket_type: () => ({ values: str(obj.type), mode: 'exact' }),
      due_date: () => ({ values: str(obj.due_at), mode: 'date' }),
    };
    for (const k of ['requester_id', 'assignee_id', 'submitter_id', 'organization_id', 'group_id', 'brand_id']) {
      ticket[k] = () => ({ values: str(obj[k]), mode: 'exact' });
    }
    if (ticket[keyword]) return ticket[keyword]!();
    const custom = /^custom_field_(\d+)$/.exec(keyword);
    if (custom) {
      const entry = (obj.custom_fields as Array<{ id: unknown; value: unknown }>).find((f) => String(f.id) === custom[1]);
      return entry ? { values: str(entry.value), mode: 'text' } : null;
    }
    return null;
  }

  private clauseMatches(type: string, obj: Obj, clause: Clause): boolean {
    if (!clause.keyword) {
      // Free text: any text the record shows.
      const texts = ['name', 'subject', 'description', 'notes', 'details', 'tags']
        .map((k) => this.valuesOf(type, obj, k))
        .flatMap((v) => (v ? v.values : []));
      return texts.some((t) => textMatches(t, clause));
    }
    const field = this.valuesOf(type, obj, clause.keyword);
    if (!field) return false; // a keyword the type does not have finds nothing
    const { values, mode } = field;
    const v = clause.value.toLowerCase();
    if (clause.op !== ':') {
      if (mode === 'date') {
        const day = Date.parse(`${v}T00:00:00Z`);
        if (Number.isNaN(day)) return false;
        return values.some((x) => (clause.op === '<' ? Date.parse(x) < day : Date.parse(x) >= day + 86_400_000));
      }
      const order = mode === 'status' ? STATUSES : mode === 'priority' ? PRIORITIES : null;
      if (!order || !order.includes(v)) return false;
      return values.some((x) => order.includes(x) && (clause.op === '<' ? order.indexOf(x) < order.indexOf(v) : order.indexOf(x) > order.indexOf(v)));
    }
    if (v === 'none') return values.length === 0 || values.every((x) => x === '');
    const digits = v.replace(/^\*/, '');
    if (clause.leadingStar && /^\d+$/.test(digits)) {
      // Phone numbers: a leading * matches the number in any format (Zendesk's documented phone search).
      return values.some((x) => x.replace(/\D/g, '').endsWith(digits));
    }
    switch (mode) {
      case 'phone':
        return values.some((x) => x.replace(/\D/g, '') === v.replace(/\D/g, '') && v.replace(/\D/g, '') !== '');
      case 'email':
        return clause.trailingStar ? values.some((x) => x.toLowerCase().startsWith(v)) : values.some((x) => x.toLowerCase() === v);
      case 'exact':
      case 'status':
      case 'priority':
        return values.some((x) => x.toLowerCase() === v);
      case 'date':
        return values.some((x) => x.slice(0, 10) === v);
      default:
        return values.some((x) => textMatches(x, clause));
    }
  }

  // --- Pagination and sorting ----------------------------------------------------------------------------
  private sorted<T extends Obj>(url: URL, items: T[]): T[] {
    const by = url.searchParams.get('sort_by') ?? 'id';
    const desc = url.searchParams.get('sort_order') === 'desc';
    const key = (o: Obj) => (by === 'created_at' ? String(o.created_at) : by === 'updated_at' ? String(o.updated_at) : '');
    return [...items].sort((a, b) => {
      const primary = key(a).localeCompare(key(b)) || Number(a.id) - Number(b.id);
      return desc ? -primary : primary;
    });
  }

  private paginate(url: URL, name: string, items: Obj[]): Obj {
    const cursorSize = url.searchParams.get('page[size]');
    if (cursorSize !== null) {
      const size = Math.min(Number(cursorSize) || 100, this.pageSize);
      const after = url.searchParams.get('page[after]');
      const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
      const slice = items.slice(start, start + size);
      const more = start + size < items.length;
      const cursor = Buffer.from(String(start + size)).toString('base64url');
      return {
        [name]: slice,
        meta: { has_more: more, after_cursor: more ? cursor : null, before_cursor: null },
        links: { next: more ? this.pageUrl(url, { 'page[after]': cursor }) : null, prev: null },
      };
    }
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 100) || 100, this.pageSize);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const more = page * perPage < items.length;
    return {
      [name]: items.slice((page - 1) * perPage, page * perPage),
      next_page: more ? this.pageUrl(url, { page: String(page + 1) }) : null,
      previous_page: page > 1 ? this.pageUrl(url, { page: String(page - 1) }) : null,
      count: items.length,
    };
  }

  private pageUrl(url: URL, params: Record<string, string>): string {
    const next = new URL(url.pathname, this.baseUrl);
    url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
    for (const [key, value] of Object.entries(params)) next.searchParams.set(key, value);
    return next.toString();
  }

  private id(): number {
    return this.nextId++;
  }

  /** Zendesk's times: ISO 8601 to the second. */
  private now(): string {
    return new Date(Date.now() + this.clockOffsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

// --- The query language --------------------------------------------------------------------------------

interface Clause {
  negated: boolean;
  keyword: string | null;
  op: ':' | '<' | '>';
  value: string;
  phrase: boolean;
  leadingStar: boolean;
  trailingStar: boolean;
}

/**
 * Splits a Search API query into clauses: [-][keyword(:|<|>)](value | "phrase"). A phrase ends at the next
 * double quote (Zendesk's phrases have no escape), so text that smuggles a quote changes the query.
 */
export function parseQuery(query: string): Clause[] {
  const clauses: Clause[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    let negated = false;
    if (query[i] === '-') {
      negated = true;
      i++;
    }
    let keyword: string | null = null;
    let op: Clause['op'] = ':';
    const kw = /^([A-Za-z_][A-Za-z0-9_]*)([:<>])/.exec(query.slice(i));
    if (kw) {
      keyword = kw[1]!.toLowerCase();
      op = kw[2] as Clause['op'];
      i += kw[0].length;
    }
    let value = '';
    let phrase = false;
    let leadingStar = false;
    if (query[i] === '*' && query[i + 1] !== undefined && !/\s/.test(query[i + 1]!)) {
      leadingStar = true;
      i++;
    }
    if (query[i] === '"') {
      phrase = true;
      const end = query.indexOf('"', i + 1);
      value = query.slice(i + 1, end < 0 ? query.length : end);
      i = end < 0 ? query.length : end + 1;
    }
    const rest = /^\S*/.exec(query.slice(i))![0];
    value += rest;
    i += rest.length;
    const trailingStar = value.endsWith('*');
    if (trailingStar) value = value.slice(0, -1);
    clauses.push({ negated, keyword, op, value, phrase, leadingStar, trailingStar });
  }
  return clauses;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * A word matches a stored word it is the start of ("top" finds "top", "Top Ten" and "Toppings", not
 * "Desktop"); a phrase matches its words in order, the last one as the start of a word only with a `*`.
 */
function textMatches(stored: string, clause: Clause): boolean {
  const have = words(stored);
  const want = words(clause.value);
  if (want.length === 0) return false;
  if (!clause.phrase) {
    if (clause.leadingStar) return want.length === 1 && have.some((w) => w.endsWith(want[0]!));
    return want.every((w) => have.some((h) => h.startsWith(w)));
  }
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((w, k) => (k === want.length - 1 && clause.trailingStar ? have[start + k]!.startsWith(w) : have[start + k] === w))) return true;
  }
  return false;
}

function ok(json: unknown): { status: number; json: unknown } {
  return { status: 200, json };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
