import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WireAuth } from './wireAuth.js';
import { DISPLAY_FIELDS, WireMetadata } from './wireMetadata.js';
import { matches, order, parseEncodedQuery, type QueryContext, type Row } from './wireQuery.js';
import { SCHEMAS } from './wireSchemas.js';
import { serialize, type SerializeContext } from './wireSerialize.js';
import { writeRow, type WriteContext } from './wireWrite.js';

export { SCHEMAS };

/**
 * A local ServiceNow instance for tests: the endpoints the connector uses, in ServiceNow's wire format, on
 * an in-memory store. Checked against the public documentation:
 * - Table API (REST API reference "Table API"): GET /api/now[/v1|/v2]/table/{table} with sysparm_query,
 *   sysparm_limit (default 10000), sysparm_offset, sysparm_fields (unknown names ignored, dot-walking),
 *   sysparm_display_value (false / true / all, see wireSerialize.ts), sysparm_exclude_reference_link;
 *   the metadata tables sys_db_object, sys_dictionary, sys_dictionary_override and sys_choice (see
 *   wireMetadata.ts); answers {"result": [...]}, a Link header
 *   (first / prev / next / last) and X-Total-Count. GET /{table}/{sys_id} (404 "No Record found"),
 *   POST /{table} (201, Location; unknown columns ignored), PATCH /{table}/{sys_id}.
 * - Failures as {"error": {"message", "detail"}, "status": "failure"}: 401 "User Not Authenticated", 400
 *   "Invalid table", 403 "Operation Failed" / "Data Policy Exception" for mandatory fields, 429 with
 *   Retry-After (inbound REST API rate limiting). A read the user's ACLs refuse is a 403 ("The requested
 *   operation is not permitted for the user. This error can also be caused by ACL failures"); the docs do not
 *   give that body, so this server answers the "User Not Authorized" / "Failed API level ACL Validation" pair
 *   ServiceNow's support articles quote for ACL refusals of API calls.
 * - OAuth: see wireAuth.ts. Writes (numbers, defaults, journal fields, data policies): see wireWrite.ts.
 * - Platform behaviour: customer_contact extends sys_user (a sys_user query also returns contacts, told apart
 *   by sys_class_name); string comparisons ignore case and accents; encoded queries as in wireQuery.ts.
 */

export interface WireServerOptions {
  /** The integration user (basic auth and the OAuth password grant). */
  username: string;
  password: string;
  /** The OAuth application; no OAuth when omitted. */
  clientId?: string;
  clientSecret?: string;
  accessTokenSeconds?: number;
  /** Custom columns per table ("u_last_agent"...). */
  customColumns?: Record<string, string[]>;
  /** Data policies: columns that must have a value, per table. */
  mandatory?: Record<string, string[]>;
  /** Tables the integration user has no read ACL on (GET answers 403). */
  deniedReads?: string[];
  /** The integration user's time zone, for display values of date-times (UTC when omitted). */
  timeZone?: string;
  clock?: () => Date;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** sysparm_query, decoded. */
  query?: string;
  params: Record<string, string>;
  /** A POST / PATCH body as sent. */
  body?: unknown;
  auth: 'basic' | 'bearer' | 'none';
  status: number;
}

interface Failure {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const failure = (message: string, detail: string | null) => ({ error: { message, detail }, status: 'failure' });

export class ServiceNowWireServer {
  url = '';
  readonly requests: LoggedRequest[] = [];
  /** Every "javascript:" value a query asked to run (there must be none). */
  readonly scriptsRun: string[] = [];
  /** Answers to give to the next /api calls instead of serving them (throttling, outages). */
  readonly nextFailures: Failure[] = [];
  /** Answers to give to the next POST / PATCH instead of serving them (field refusals). */
  readonly nextWriteFailures: Failure[] = [];

  private server: Server | undefined;
  private readonly rows = new Map<string, Map<string, Row>>();
  private readonly counters = new Map<string, number>();
  private readonly auth: WireAuth;
  private readonly metadata: WireMetadata;
  private readonly deniedReads: Set<string>;

  constructor(private readonly options: WireServerOptions) {
    this.auth = new WireAuth(options, () => this.now());
    this.deniedReads = new Set(options.deniedReads ?? []);
    for (const table of Object.keys(SCHEMAS)) this.rows.set(table, new Map());
    this.metadata = new WireMetadata(options.customColumns ?? {});
    for (const [table, rows] of Object.entries(this.metadata.rows)) for (const row of rows) this.rows.get(table)!.set(row.sys_id!, row);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(failure('Internal error', String(error))));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- switches ----

  /** Every access token handed out so far expires now (as after expires_in seconds). */
  expireAccessTokens(): void {
    this.auth.expireAccessTokens();
  }

  /** The integration user's password is changed in ServiceNow: the configured one is refused from now on. */
  changePassword(password: string): void {
    this.auth.changePassword(password);
  }

  get tokenRequests(): ReadonlyArray<{ grantType: string; status: number }> {
    return this.auth.tokenRequests;
  }

  /** Every access and refresh token handed out (to prove none is ever logged). */
  get issuedTokens(): readonly string[] {
    return this.auth.issuedTokens;
  }

  /** The integration user loses (or, with false, gets back) the read ACL of a table. */
  denyRead(table: string, denied = true): void {
    if (denied) this.deniedReads.add(table);
    else this.deniedReads.delete(table);
  }

  throttleNext(count: number, status = 429, retryAfter?: string): void {
    for (let i = 0; i < count; i++) {
      this.nextFailures.push({
        status,
        headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
        body: status === 429 ? failure('Rate limit exceeded', 'The API rate limit has been exceeded; retry later') : { message: 'Service Unavailable' },
      });
    }
  }

  /** The rows of a table as stored (journal fields hold no value; their entries are in sys_journal_field). */
  table(table: string): Row[] {
    return [...(this.rows.get(table)?.values() ?? [])];
  }

  requestCount(filter: (r: LoggedRequest) => boolean = () => true): number {
    return this.requests.filter(filter).length;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (url.pathname === '/oauth_token.do' && req.method === 'POST') return this.auth.token(req, body, res);
    const match = /^\/api\/now\/(?:v[12]\/)?table\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const params = Object.fromEntries(url.searchParams);
    const auth = this.auth.authenticate(req.headers.authorization);
    const log: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: params.sysparm_query,
      params,
      auth: req.headers.authorization?.startsWith('Basic ') ? 'basic' : req.headers.authorization?.startsWith('Bearer ') ? 'bearer' : 'none',
      status: 0,
    };
    this.requests.push(log);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    if (!match) return send(400, failure('Requested URI does not represent any resource', null));
    if (!auth) return send(401, failure('User Not Authenticated', 'Required to provide Auth information'));
    const queued = this.nextFailures.shift();
    if (queued) return send(queued.status, queued.body, queued.headers);

    const table = decodeURIComponent(match[1]!);
    const sysId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const schema = SCHEMAS[table];
    if (!schema) return send(400, failure(`Invalid table ${table}`, null));
    if (req.method === 'GET' && this.deniedReads.has(table)) return send(403, failure('User Not Authorized', 'Failed API level ACL Validation'));

    if (req.method === 'GET' && !sysId) return this.list(table, params, url, send);
    if (req.method === 'GET' && sysId) {
      const row = this.find(table, sysId);
      return row ? send(200, { result: this.serialize(table, row, params) }) : send(404, failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"));
    }
    if ((req.method === 'POST' && !sysId) || (req.method === 'PATCH' && sysId)) {
      if (schema.readOnly) return send(403, failure('Operation Failed', 'ACL Exception Insert Failed due to security constraints'));
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body || '{}') as Record<string, unknown>;
        log.body = input;
      } catch {
        return send(400, failure('Exception while reading request', 'The payload is not valid JSON.'));
      }
      const refused = this.nextWriteFailures.shift();
      if (refused) return send(refused.status, refused.body, refused.headers);
      const existing = sysId ? this.find(table, sysId) : undefined;
      if (sysId && !existing) return send(404, failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"));
      const written = writeRow(this.store(), table, input, existing);
      if ('error' in written) return send(403, written.error);
      const status = sysId ? 200 : 201;
      return send(status, { result: this.serialize(table, written.row, params) }, sysId ? {} : { Location: `${this.url}/api/now/table/${table}/${written.row.sys_id}` });
    }
    return send(405, failure('Method not Supported', `${req.method} is not supported by this resource`));
  }

  private list(table: string, params: Record<string, string>, url: URL, send: (status: number, json: unknown, headers?: Record<string, string>) => void): void {
    const query = parseEncodedQuery(params.sysparm_query ?? '');
    const context = this.context(table);
    const all = order(
      this.visibleRows(table).filter((row) => matches(query, row, context)),
      query.orderBy,
    );
    const limit = Math.max(1, Number(params.sysparm_limit ?? 10000) || 10000);
    const offset = Math.max(0, Number(params.sysparm_offset ?? 0) || 0);
    if (all.length === 0 && url.pathname.startsWith('/api/now/v1/')) {
      return send(404, failure('No Record found', 'Records matching query not found. Check query parameter or offset parameter'));
    }
    const page = all.slice(offset, offset + limit);
    const at = (o: number) => {
      const link = new URL(url.href);
      link.searchParams.set('sysparm_offset', String(o));
      link.searchParams.set('sysparm_limit', String(limit));
      return link.href;
    };
    const links = [`<${at(0)}>;rel="first"`];
    if (offset > 0) links.push(`<${at(Math.max(0, offset - limit))}>;rel="prev"`);
    if (offset + limit < all.length) links.push(`<${at(offset + limit)}>;rel="next"`);
    links.push(`<${at(Math.max(0, Math.floor((all.length - 1) / limit) * limit))}>;rel="last"`);
    send(200, { result: page.map((row) => this.serialize(table, row, params)) }, { Link: links.join(','), 'X-Total-Count': String(all.length) });
  }

  // ---- store ----

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private store(): WriteContext {
    return {
      columns: (t) => this.columns(t),
      now: () => this.now(),
      username: this.options.username,
      mandatory: this.options.mandatory ?? {},
      rows: this.rows,
      counters: this.counters,
      failure,
    };
  }

  private columns(table: string): Set<string> {
    return new Set([...(SCHEMAS[table]?.columns ?? []), ...(this.options.customColumns?.[table] ?? [])]);
  }

  private serialize(table: string, row: Row, params: Record<string, string>): Record<string, unknown> {
    const context: SerializeContext = {
      url: this.url,
      metadata: this.metadata,
      timeZone: this.options.timeZone ?? 'UTC',
      columns: (t) => this.columns(t),
      find: (t, sysId) => this.find(t, sysId),
      journal: (sysId, element) => this.table('sys_journal_field').filter((e) => e.element_id === sysId && e.element === element),
      displayFieldOf: (t) => DISPLAY_FIELDS[t],
    };
    return serialize(context, table, row, params);
  }

  /** A table's own rows and those of the tables extending it. */
  private visibleRows(table: string): Row[] {
    const children = Object.entries(SCHEMAS)
      .filter(([, s]) => s.extends === table)
      .map(([name]) => name);
    return [table, ...children].flatMap((t) => [...this.rows.get(t)!.values()]);
  }

  private find(table: string, sysId: string): Row | undefined {
    return this.visibleRows(table).find((row) => row.sys_id === sysId);
  }

  private context(table: string): QueryContext {
    return {
      columns: this.columns(table),
      follow: (row, column) => {
        const target = SCHEMAS[table]?.references?.[column];
        const found = target ? this.find(target, row[column] ?? '') : undefined;
        return found && target ? { row: found, columns: this.columns(target) } : undefined;
      },
      onScript: (script) => this.scriptsRun.push(script),
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
