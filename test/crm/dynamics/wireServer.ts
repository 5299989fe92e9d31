import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_LABELS } from './dataverseLabels.js';
import { isLookup, TABLE_BY_NAME, TABLE_BY_SET, TABLES, type ColumnDef, type TableDef } from './dataverseSchema.js';
import { evaluate, FilterParser, ODataError, orderBy } from './odataQuery.js';
import { batch } from './wireBatch.js';
import { entityDefinitions } from './wireMetadata.js';
import { API, error, ReplyError, type Reply } from './wireReply.js';

/**
 * A local Dataverse environment and its Microsoft Entra ID sign-in service, speaking their wire formats for
 * what the connector uses (checked against Microsoft's Dataverse Web API and identity platform docs):
 *
 * Sign-in (HTTPS, self-signed certificate made with the openssl CLI; MSAL accepts only https authorities):
 * - GET  /{tenant}/v2.0/.well-known/openid-configuration
 * - POST /{tenant}/oauth2/v2.0/token (client_credentials: client_id, client_secret, scope `<env>/.default`);
 *   errors as Entra ID sends them ({"error":"invalid_client","error_description":"AADSTS7000215: ..."}).
 *
 * Web API (HTTP on 127.0.0.1), /api/data/v9.2/:
 * - GET  <set>(<id>) · GET <set>?$filter&$orderby&$select&$top&@p1=… with Prefer odata.maxpagesize and
 *   @odata.nextLink/$skiptoken paging · POST <set> · PATCH <set>(<id>) with If-Match / If-None-Match (upsert)
 *   · Prefer return=representation and odata.include-annotations (formatted values, lookup navigation and
 *   logical names) · activitypointers over the activity tables · POST $batch (multipart/mixed, GETs and
 *   requests outside change sets) · EntityDefinitions (list, one table with Attributes and
 *   ManyToOneRelationships, Attributes cast to the choice metadata types with OptionSet).
 * - Errors as Dataverse sends them: {"error":{"code":"0x…","message":"…"}}; 401 with WWW-Authenticate for a
 *   bad token; 429/503 with Retry-After when throttling is switched on.
 */

export interface WireServerOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
}

interface Lookup {
  id: string;
  table: string;
}
interface Row {
  table: string;
  id: string;
  values: Record<string, unknown>;
  /** createdon to the millisecond (Dataverse keeps more than the seconds it shows). */
  createdMs: number;
  version: number;
}
export interface LoggedRequest {
  method: string;
  /** Path and query, decoded. */
  url: string;
  prefer: string;
  /** Sent inside a $batch. */
  inBatch: boolean;
  authorization: string | undefined;
}

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const NAVIGATION = '@Microsoft.Dynamics.CRM.associatednavigationproperty';
const LOGICAL = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export class DataverseWireServer {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every Web API request received (batched requests too), in order. */
  readonly requests: LoggedRequest[] = [];
  /** Every access token issued, in order. */
  readonly issuedTokens: string[] = [];
  /** Token requests answered with a token. */
  tokensIssued = 0;
  tokenRequests = 0;

  private readonly rows = new Map<string, Map<string, Row>>(TABLES.map((t) => [t.logicalName, new Map()]));
  private readonly validTokens = new Set<string>();
  private refusing = false;
  private forbidding = false;
  /** Tables whose read privilege the application user's security role lacks. */
  private readonly denied = new Set<string>();
  private throttles: Array<{ status: 429 | 503; retryAfter?: string }> = [];
  private version = 1000;
  private caseNumber = 1000;
  private lastCreatedMs = 0;

  private constructor(
    private readonly web: Server,
    private readonly signIn: Server,
    /** The certificate (PEM) the sign-in service presents: trust it to reach that service. */
    readonly ca: string,
    options: WireServerOptions,
  ) {
    this.tenantId = options.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
    this.clientId = options.clientId ?? '8f1c2d3e-4b5a-4978-8a9b-0c1d2e3f4a5b';
    this.clientSecret = options.clientSecret ?? `S3cr3t~${randomBytes(12).toString('base64url')}`;
  }

  static async start(options: WireServerOptions = {}): Promise<DataverseWireServer> {
    const { key, cert } = selfSignedCertificate();
    const fail = (res: ServerResponse) => (e: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`wire server failure: ${String(e)}`);
    };
    const web = createHttpServer();
    const signIn = createHttpsServer({ key, cert });
    const server = new DataverseWireServer(web, signIn, cert, options);
    web.on('request', (req: IncomingMessage, res: ServerResponse) => void server.serveWebApi(req, res).catch(fail(res)));
    signIn.on('request', (req: IncomingMessage, res: ServerResponse) => void server.serveSignIn(req, res).catch(fail(res)));
    await Promise.all([listen(web), listen(signIn)]);
    return server;
  }

  /** The environment URL (serverUrl of the configuration). */
  get url(): string {
    return `http://127.0.0.1:${(this.web.address() as AddressInfo).port}`;
  }

  /** The sign-in service (authorityHost of the configuration). */
  get authorityHost(): string {
    return `https://127.0.0.1:${(this.signIn.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.web.closeAllConnections();
    this.signIn.closeAllConnections();
    await Promise.all([new Promise((r) => this.web.close(r)), new Promise((r) => this.signIn.close(r))]);
  }

  // ---- switches ---------------------------------------------------------------------------------------

  /** Every token issued so far stops working (revoked or expired early): the Web API answers 401. */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  /** The sign-in service refuses the client credentials (a wrong or expired secret). */
  refuseCredentials(on = true): void {
    this.refusing = on;
  }

  /** The Web API refuses the application user (403: no security role). */
  forbid(on = true): void {
    this.forbidding = on;
  }

  /** The application user's role lacks the read privilege of `table` (prvRead<Table>): reads of it answer 403. */
  denyRead(table: string, on = true): void {
    if (on) this.denied.add(table);
    else this.denied.delete(table);
  }

  /** The next `count` Web API requests are throttled (service protection limits). */
  throttle(count: number, options: { status?: 429 | 503; retryAfter?: string } = {}): void {
    for (let i = 0; i < count; i++) this.throttles.push({ status: options.status ?? 429, retryAfter: options.retryAfter });
  }

  /** No more throttling. */
  unthrottle(): void {
    this.throttles = [];
  }

  /** The rows of a table as stored (for assertions). */
  stored(table: string): Array<{ id: string; values: Record<string, unknown> }> {
    return [...(this.rows.get(table)?.values() ?? [])].map(({ id, values }) => ({ id, values }));
  }

  // ---- sign-in service --------------------------------------------------------------------------------

  private async serveSignIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.authorityHost);
    const [, tenant, ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(json));
    };
    const entraError = (status: number, code: string, aadsts: string, description: string) =>
      send(status, { error: code, error_description: `${aadsts}: ${description}`, error_codes: [Number(aadsts.slice(6))], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
    if (tenant !== this.tenantId) return entraError(400, 'invalid_request', 'AADSTS90002', `Tenant '${tenant}' not found.`);
    if (req.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
      const base = `${this.authorityHost}/${tenant}`;
      return send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${this.authorityHost}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (req.method === 'POST' && path === 'oauth2/v2.0/token') {
      this.tokenRequests++;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials') return entraError(400, 'unsupported_grant_type', 'AADSTS70003', 'The app requested an unsupported grant type.');
      if (form.get('client_id') !== this.clientId) {
        return entraError(400, 'unauthorized_client', 'AADSTS700016', `Application with identifier '${form.get('client_id')}' was not found in the directory.`);
      }
      if (this.refusing || form.get('client_secret') !== this.clientSecret) {
        return entraError(401, 'invalid_client', 'AADSTS7000215', 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
      }
      if (form.get('scope') !== `${this.url}/.default`) {
        return entraError(400, 'invalid_scope', 'AADSTS70011', `The provided value for the input parameter 'scope' is not valid. The scope ${form.get('scope')} is not valid.`);
      }
      const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
      this.validTokens.add(token);
      this.issuedTokens.push(token);
      this.tokensIssued++;
      return send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    return entraError(404, 'invalid_request', 'AADSTS50011', `No endpoint ${req.method} ${url.pathname}.`);
  }

  // ---- Web API ----------------------------------------------------------------------------------------

  private async serveWebApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const reply = this.outer(req.method ?? 'GET', req.url ?? '/', headers, body);
    if (typeof reply.body === 'string') {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return;
    }
    res.writeHead(reply.status, { 'OData-Version': '4.0', ...(reply.body !== undefined ? { 'Content-Type': 'application/json; odata.metadata=minimal' } : {}), ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  /** A request from the network: authentication, throttling, then the request itself (or a $batch). */
  private outer(method: string, rawUrl: string, headers: Record<string, string>, body: string): Reply {
    this.log(method, rawUrl, headers, false);
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="The access token is expired or invalid", authorization_uri=${this.authorityHost}/${this.tenantId}/oauth2/authorize, resource_id=${this.url}` },
      };
    }
    const throttle = this.throttles.shift();
    if (throttle) {
      return error(throttle.status, '0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.', throttle.retryAfter === undefined ? undefined : { 'Retry-After': throttle.retryAfter });
    }
    if (this.forbidding) {
      return error(403, '0x80040220', `Principal user (Id=${randomUUID()}, type=8, roleCount=0, privilegeCount=0, accessMode=4), is missing prvReadContact privilege (Id=${randomUUID()}) on OTC=2 for entity 'contact'.`);
    }
    if (method === 'POST' && rawUrl.split('?')[0] === `${API}$batch`) {
      return batch(this.url, headers, body, (inner, innerUrl, innerHeaders, innerBody) => {
        this.log(inner, innerUrl, innerHeaders, true);
        return this.handle(inner, innerUrl, innerHeaders, innerBody);
      });
    }
    return this.handle(method, rawUrl, headers, body);
  }

  private log(method: string, rawUrl: string, headers: Record<string, string>, inBatch: boolean): void {
    let url = rawUrl;
    try {
      url = decodeURIComponent(rawUrl.replace(/\+/g, ' '));
    } catch {
      // keep it raw
    }
    this.requests.push({ method, url, prefer: headers.prefer ?? '', inBatch, authorization: headers.authorization });
  }

  private handle(method: string, rawUrl: string, headers: Record<string, string>, body: string): Reply {
    const url = new URL(rawUrl, this.url);
    if (!url.pathname.startsWith(API)) return error(404, '0x80060888', `Resource not found for the segment '${url.pathname}'.`);
    const resource = decodeURIComponent(url.pathname.slice(API.length));
    const query = parseQuery(url.search);
    const prefer = parsePrefer(headers.prefer ?? '');
    try {
      if (resource.startsWith('EntityDefinitions')) return entityDefinitions(`${this.url}${API}`, method, resource);
      const match = /^([A-Za-z_]+)(?:\(([^)]*)\))?$/.exec(resource);
      const table = match && TABLE_BY_SET.get(match[1]!);
      if (!match || !table) return error(404, '0x80060888', `Resource not found for the segment '${resource.split('(')[0]}'.`);
      const key = match[2];
      if (method === 'GET' && this.denied.has(table.logicalName)) return missingPrivilege(table);
      if (key !== undefined && !GUID.test(key)) return error(400, '0x80060888', `Bad Request - Error in query syntax.`);
      const id = key?.toLowerCase();
      if (method === 'GET' && id) return this.retrieve(table, id, query, prefer);
      if (method === 'GET') return this.retrieveMultiple(table, url, query, prefer);
      if (table.pointer) return error(400, '0x80040203', `The 'Create' and 'Update' methods do not support entities of type 'activitypointer'.`);
      const data = parseJson(body);
      // With return=representation, $select says which columns the written row is answered with.
      checkSelect(table, query.get('$select'));
      prefer.select = query.get('$select');
      if (method === 'POST' && !id) return this.create(table, randomUUID(), data, prefer);
      if (method === 'PATCH' && id) return this.upsert(table, id, data, headers, prefer);
      return error(405, '0x80060888', `The HTTP method '${method}' is not allowed on this resource.`);
    } catch (e) {
      if (e instanceof ODataError) return error(400, e.code, e.message);
      if (e instanceof ReplyError) return e.reply;
      throw e;
    }
  }

  // ---- records ----------------------------------------------------------------------------------------

  private retrieve(table: TableDef, id: string, query: Map<string, string>, prefer: Prefer): Reply {
    checkSelect(table, query.get('$select'));
    const row = this.rowsOf(table).find((r) => r.id === id);
    if (!row) return error(404, '0x80040217', `${table.logicalName} With Id = ${id} Does Not Exist`);
    return { status: 200, body: { '@odata.context': `${this.url}${API}$metadata#${table.setName}/$entity`, ...this.render(table, row, prefer, query.get('$select')) } };
  }

  private retrieveMultiple(table: TableDef, url: URL, query: Map<string, string>, prefer: Prefer): Reply {
    checkSelect(table, query.get('$select'));
    const aliases = new Map([...query].filter(([k]) => k.startsWith('@')));
    const filterText = query.get('$filter');
    const filter = filterText ? new FilterParser(table, aliases).parse(filterText) : null;
    let rows = this.rowsOf(table).filter((row) => !filter || evaluate(filter, (name, column) => this.valueOf(row, name, column)) === true);
    const compare = orderBy(query.get('$orderby'), table, (row, name, column) => this.valueOf(row as Row, name, column));
    rows = compare ? [...rows].sort(compare) : rows;
    const pageSize = Math.min(prefer.maxPageSize ?? 5000, 5000);
    const top = query.get('$top');
    if (top && prefer.maxPageSize === undefined) rows = rows.slice(0, Number(top));
    const offset = Number(/offset="(\d+)"/.exec(query.get('$skiptoken') ?? '')?.[1] ?? 0);
    const page = rows.slice(offset, offset + pageSize);
    const response: Record<string, unknown> = {
      '@odata.context': `${this.url}${API}$metadata#${table.setName}`,
      value: page.map((row) => this.render(table, row, prefer, query.get('$select'))),
    };
    if (offset + pageSize < rows.length) {
      const kept = url.search
        .slice(1)
        .split('&')
        .filter((p) => p && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
      const cookie = `<cookie pagenumber="${offset / pageSize + 2}" offset="${offset + pageSize}" istracking="False" />`;
      response['@odata.nextLink'] = `${this.url}${url.pathname}?${[...kept, `$skiptoken=${encodeURIComponent(cookie)}`].join('&')}`;
    }
    return { status: 200, headers: prefer.applied(), body: response };
  }

  private create(table: TableDef, id: string, data: Record<string, unknown>, prefer: Prefer): Reply {
    const values: Record<string, unknown> = {};
    this.apply(table, values, data);
    const row: Row = { table: table.logicalName, id, values, createdMs: this.nextCreatedMs(), version: ++this.version };
    this.complete(table, row, true);
    this.rows.get(table.logicalName)!.set(id, row);
    return this.written(table, row, prefer, 201);
  }

  private upsert(table: TableDef, id: string, data: Record<string, unknown>, headers: Record<string, string>, prefer: Prefer): Reply {
    const existing = this.rows.get(table.logicalName)!.get(id);
    if (headers['if-match'] === '*' && !existing) return error(404, '0x80040217', `${table.logicalName} With Id = ${id} Does Not Exist`);
    if (headers['if-none-match'] === '*' && existing) return error(412, '0x80060882', 'A record with matching key values already exists.');
    if (!existing) return this.create(table, id, data, prefer);
    const values = { ...existing.values };
    this.apply(table, values, data);
    const row: Row = { ...existing, values, version: ++this.version };
    this.complete(table, row, false);
    this.rows.get(table.logicalName)!.set(id, row);
    return this.written(table, row, prefer, 200);
  }

  private written(table: TableDef, row: Row, prefer: Prefer, status: number): Reply {
    const location = `${this.url}${API}${table.setName}(${row.id})`;
    if (!prefer.returnRepresentation) return { status: 204, headers: { 'OData-EntityId': location } };
    return {
      status,
      headers: { 'OData-EntityId': location, ...prefer.applied() },
      body: { '@odata.context': `${this.url}${API}$metadata#${table.setName}/$entity`, ...this.render(table, row, prefer, prefer.select) },
    };
  }

  /** Each createdon is later than the one before (to the millisecond), as rows written one after another are. */
  private nextCreatedMs(): number {
    this.lastCreatedMs = Math.max(Date.now(), this.lastCreatedMs + 1);
    return this.lastCreatedMs;
  }

  /** A request body onto a row's values, with Dataverse's checks and errors. */
  private apply(table: TableDef, values: Record<string, unknown>, data: Record<string, unknown>): void {
    const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
    for (const [key, value] of Object.entries(data)) {
      if (key.endsWith('@odata.bind')) {
        const nav = key.slice(0, -'@odata.bind'.length);
        const found = navigationOf(table, nav);
        if (!found) {
          throw new ReplyError(
            error(400, '0x80060888', `An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`),
          );
        }
        const target = TABLE_BY_NAME.get(found.target)!;
        const ref = /\/?([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$/.exec(String(value));
        if (!ref || ref[1] !== target.setName) throw new ReplyError(error(400, '0x80060888', `The URI '${String(value)}' is not valid for navigation property '${nav}'.`));
        const refId = ref[2]!.toLowerCase();
        if (!this.rows.get(target.logicalName)!.has(refId)) {
          throw new ReplyError(error(404, '0x80060891', `A record with the specified key values does not exist in ${target.logicalName} entity`));
        }
        values[found.column] = { id: refId, table: target.logicalName } satisfies Lookup;
        continue;
      }
      const nav = navigationOf(table, key);
      if (nav) {
        if (value !== null) {
          throw new ReplyError(
            error(400, '0x80060888', `A 'PrimitiveValue' node with non-null value was found when trying to read the value of the navigation property '${key}'; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected.`),
          );
        }
        values[nav.column] = null;
        continue;
      }
      const column = table.columns[key];
      if (!column || isLookup(column)) {
        throw new ReplyError(error(400, '0x80060888', `The property '${key}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`));
      }
      if (column.readOnly) continue;
      values[key] = this.checked(table, key, column, value);
    }
  }

  private checked(table: TableDef, key: string, column: ColumnDef, value: unknown): unknown {
    if (value === null) return null;
    const mismatch = (edm: string) => new ReplyError(error(400, '0x80060888', `Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`));
    switch (column.type) {
      case 'String':
      case 'Memo':
        if (typeof value !== 'string') throw mismatch('Edm.String');
        if (column.maxLength && value.length > column.maxLength) {
          throw new ReplyError(
            error(400, '0x80044331', `A validation error occurred. The length of the '${key}' attribute of the '${table.logicalName}' entity exceeded the maximum allowed length of '${column.maxLength}'.`),
          );
        }
        return value;
      case 'Integer':
      case 'BigInt':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch('Edm.Int32');
        return value;
      case 'Money':
      case 'Decimal':
        if (typeof value !== 'number') throw mismatch('Edm.Decimal');
        return value;
      case 'Boolean':
        if (typeof value !== 'boolean') throw mismatch('Edm.Boolean');
        return value;
      case 'DateTime': {
        const ms = typeof value === 'string' ? Date.parse(value) : NaN;
        if (Number.isNaN(ms)) throw mismatch('Edm.DateTimeOffset');
        return ms;
      }
      case 'Picklist':
      case 'State':
      case 'Status':
        if (typeof value !== 'number' || !column.options!.some((o) => o.value === value)) {
          throw new ReplyError(
            error(400, '0x8004431a', `A validation error occurred. The value ${String(value)} of '${key}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${column.options!.map((o) => o.value).join(',')}`),
          );
        }
        return value;
      default:
        return value;
    }
  }

  /** What Dataverse fills in: names, numbers, states, times; and what it requires. */
  private complete(table: TableDef, row: Row, created: boolean): void {
    const v = row.values;
    const statuses = table.columns.statuscode?.options ?? [];
    if (v.statuscode !== undefined && v.statuscode !== null) {
      v.statecode = statuses.find((o) => o.value === v.statuscode)?.state ?? 0;
    } else if (created) {
      v.statecode ??= 0;
      v.statuscode = statuses.find((o) => o.state === v.statecode)?.value ?? null;
    }
    if (table.columns.fullname) v.fullname = [v.firstname, v.lastname].filter((p) => typeof p === 'string' && p).join(' ') || null;
    if (table.activity) v.activitytypecode = table.logicalName;
    if (table.logicalName === 'incident') {
      if (!v.customerid) throw new ReplyError(error(400, '0x80040278', 'You should specify a parent contact or account.'));
      if (created && !v.ticketnumber) v.ticketnumber = `CAS-${String(++this.caseNumber).padStart(5, '0')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    }
    v[table.primaryId] = row.id;
    v.versionnumber = row.version;
    v.createdon = row.createdMs;
    v.modifiedon = created ? row.createdMs : Math.max(Date.now(), row.createdMs);
  }

  /** A table's rows; for activitypointer, the rows of every activity table. */
  private rowsOf(table: TableDef): Row[] {
    if (!table.pointer) return [...this.rows.get(table.logicalName)!.values()];
    return TABLES.filter((t) => t.activity).flatMap((t) => [...this.rows.get(t.logicalName)!.values()]);
  }

  private valueOf(row: Row, property: string, column: ColumnDef): string | number | boolean | null {
    if (isLookup(column)) {
      const lookup = row.values[/^_(.+)_value$/.exec(property)![1]!] as Lookup | null | undefined;
      return lookup?.id ?? null;
    }
    if (property === 'createdon') return row.createdMs;
    const value = row.values[property];
    return value === undefined ? null : (value as string | number | boolean | null);
  }

  /** A row as JSON: every column (null when empty), lookups as _x_value, annotations when preferred. */
  private render(table: TableDef, row: Row, prefer: Prefer, select?: string): Record<string, unknown> {
    const out: Record<string, unknown> = { '@odata.etag': `W/"${row.version}"` };
    const selected = select ? new Set(select.split(',').map((s) => s.trim())) : null;
    for (const [name, column] of Object.entries(table.columns)) {
      const property = isLookup(column) ? `_${name}_value` : name;
      if (selected && !selected.has(property) && name !== table.primaryId) continue;
      const value = row.values[name];
      if (isLookup(column)) {
        const lookup = (value ?? null) as Lookup | null;
        out[property] = lookup?.id ?? null;
        if (lookup && prefer.annotations) {
          const target = TABLE_BY_NAME.get(lookup.table)!;
          const name = this.rows.get(lookup.table)?.get(lookup.id)?.values[target.primaryName];
          if (typeof name === 'string') out[`${property}${FORMATTED}`] = name;
          out[`${property}${NAVIGATION}`] = column.targets![lookup.table];
          out[`${property}${LOGICAL}`] = lookup.table;
        }
        continue;
      }
      if (value === undefined || value === null) {
        out[name] = null;
        continue;
      }
      if (column.type === 'DateTime') {
        out[name] = new Date(value as number).toISOString().replace(/\.\d{3}Z$/, 'Z');
        if (prefer.annotations) out[`${name}${FORMATTED}`] = new Date(value as number).toLocaleString('en-US', { timeZone: 'UTC' });
        continue;
      }
      out[name] = value;
      if (!prefer.annotations) continue;
      // An EntityName column's formatted value is the table's display name ("Phone Call").
      if (column.type === 'EntityName' && typeof value === 'string') out[`${name}${FORMATTED}`] = TABLE_LABELS[value] ?? value;
      const option = column.options?.find((o) => o.value === value);
      if (option) out[`${name}${FORMATTED}`] = option.label;
      else if (column.type === 'Boolean') out[`${name}${FORMATTED}`] = value ? 'Yes' : 'No';
      else if (column.type === 'Money') out[`${name}${FORMATTED}`] = `$${(value as number).toFixed(2)}`;
      else if (column.type === 'Integer' || column.type === 'BigInt') out[`${name}${FORMATTED}`] = (value as number).toLocaleString('en-US');
    }
    return out;
  }


}

/** $select names properties: a column, or a lookup as _x_value; anything else is Dataverse's 400. */
function checkSelect(table: TableDef, select: string | undefined): void {
  for (const property of (select ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const lookup = /^_(.+)_value$/.exec(property)?.[1];
    const column = table.columns[lookup ?? property];
    if (!column || (lookup !== undefined) !== isLookup(column)) {
      throw new ODataError(`Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`);
    }
  }
}

/** 403 as Dataverse answers a missing read privilege (code 0x80040220, "Principal user ... is missing prvRead<Table> privilege"). */
function missingPrivilege(table: TableDef): Reply {
  const privilege = `prvRead${table.logicalName[0]!.toUpperCase()}${table.logicalName.slice(1)}`;
  return error(
    403,
    '0x80040220',
    `Principal user (Id=${randomUUID()}, type=8, roleCount=1, privilegeCount=612, accessMode=4), is missing ${privilege} privilege (Id=${randomUUID()}) on OTC=4 for entity '${table.logicalName}'. context.Caller=${randomUUID()}`,
  );
}

function navigationOf(table: TableDef, nav: string): { column: string; target: string } | undefined {
  for (const [column, def] of Object.entries(table.columns)) {
    for (const [target, name] of Object.entries(def.targets ?? {})) if (name === nav) return { column, target };
  }
  return undefined;
}

interface Prefer {
  select?: string;
  returnRepresentation: boolean;
  annotations: boolean;
  maxPageSize?: number;
  applied(): Record<string, string>;
}

function parsePrefer(header: string): Prefer {
  const annotations = /odata\.include-annotations="?([^",]+)"?/.exec(header)?.[1];
  const maxPageSize = /odata\.maxpagesize=(\d+)/.exec(header)?.[1];
  const applied = [
    ...(annotations ? [`odata.include-annotations="${annotations}"`] : []),
    ...(maxPageSize ? [`odata.maxpagesize=${maxPageSize}`] : []),
    ...(/return=representation/.test(header) ? ['return=representation'] : []),
  ];
  return {
    returnRepresentation: /return=representation/.test(header),
    annotations: annotations === '*' || (annotations ?? '').includes('FormattedValue'),
    maxPageSize: maxPageSize ? Number(maxPageSize) : undefined,
    applied: (): Record<string, string> => (applied.length ? { 'Preference-Applied': applied.join(',') } : {}),
  };
}

/** Query options, decoded as an OData service decodes them ("+" is a space: send %2B for a plus). */
function parseQuery(search: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    query.set(decode(i === -1 ? pair : pair.slice(0, i)), i === -1 ? '' : decode(pair.slice(i + 1)));
  }
  return query;
}

function parseJson(body: string): Record<string, unknown> {
  if (!body.trim()) return {};
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ReplyError(error(400, '0x80060888', 'The request body is not a valid JSON object.'));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** A throwaway certificate for https://127.0.0.1, made with the openssl CLI. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dataverse-wire-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
