import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TABLE_BY_SET, type TableDef } from './dataverseSchema.js';
import { ODataError } from './odataQuery.js';
import { batch } from './wireBatch.js';
import { listen, parseJson, parsePrefer, parseQuery, readBody, selfSignedCertificate } from './wireHttp.js';
import { entityDefinitions } from './wireMetadata.js';
import { checkSelect, DataverseRows } from './wireRecords.js';
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
 *   requests outside change sets, errors as the batch docs say: wireBatch.ts) · EntityDefinitions with
 *   labels, validity and choices (wireMetadata.ts) · records and their checks (wireRecords.ts).
 * - Errors as Dataverse sends them: {"error":{"code":"0x…","message":"…"}}; 401 with WWW-Authenticate for a
 *   bad token; 403 naming the missing privilege for a table whose read is denied; 429/503 with Retry-After
 *   when throttling is switched on. Text compares as an English environment's collation (_CI_AI) does.
 */

export interface WireServerOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
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

  private readonly data = new DataverseRows(() => this.url);
  private readonly validTokens = new Set<string>();
  private refusing = false;
  private forbidding = false;
  /** Tables whose read privilege the application user's security role lacks. */
  private readonly denied = new Set<string>();
  private throttles: Array<{ status: 429 | 503; retryAfter?: string }> = [];

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
    return this.data.stored(table);
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
      send(status, {
        error: code,
        error_description: `${aadsts}: ${description}`,
        error_codes: [Number(aadsts.slice(6))],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      });
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
        headers: {
          'WWW-Authenticate': `Bearer error="invalid_token", error_description="The access token is expired or invalid", authorization_uri=${this.authorityHost}/${this.tenantId}/oauth2/authorize, resource_id=${this.url}`,
        },
      };
    }
    const throttle = this.throttles.shift();
    if (throttle) {
      return error(
        throttle.status,
        '0x80072322',
        'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        throttle.retryAfter === undefined ? undefined : { 'Retry-After': throttle.retryAfter },
      );
    }
    if (this.forbidding) {
      return error(
        403,
        '0x80040220',
        `Principal user (Id=${randomUUID()}, type=8, roleCount=0, privilegeCount=0, accessMode=4), is missing prvReadContact privilege (Id=${randomUUID()}) on OTC=2 for entity 'contact'.`,
      );
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
      if (method === 'GET' && id) return this.data.retrieve(table, id, query, prefer);
      if (method === 'GET') return this.data.retrieveMultiple(table, url, query, prefer);
      if (table.pointer) return error(400, '0x80040203', `The 'Create' and 'Update' methods do not support entities of type 'activitypointer'.`);
      const data = parseJson(body);
      // With return=representation, $select says which columns the written row is answered with.
      checkSelect(table, query.get('$select'));
      prefer.select = query.get('$select');
      if (method === 'POST' && !id) return this.data.create(table, randomUUID(), data, prefer);
      if (method === 'PATCH' && id) return this.data.upsert(table, id, data, headers, prefer);
      return error(405, '0x80060888', `The HTTP method '${method}' is not allowed on this resource.`);
    } catch (e) {
      if (e instanceof ODataError) return error(400, e.code, e.message);
      if (e instanceof ReplyError) return e.reply;
      throw e;
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
