import { randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyDml, salesforceNow } from './wireDml.js';
import { WireOAuth } from './wireOAuth.js';
import { describeObject, OrgPicklists } from './wireMetadata.js';
import { parseSoql, QueryError, runSoql, shapeRecord, type OrgView, type StoredRecord } from './wireQuery.js';
import { parseSosl, runSosl } from './wireSosl.js';
import { isIdShaped, makeId, objectNamed, type ObjectDef } from './wireSchema.js';

/**
 * A local Salesforce org over HTTP, speaking the REST API's wire format (REST API Developer Guide) for the
 * endpoints the connector uses:
 * - POST /services/oauth2/token (wireOAuth.ts).
 * - GET /services/data/vXX.X/query?q=SOQL, and GET .../query/<locator> for nextRecordsUrl pages.
 * - GET /services/data/vXX.X/search?q=SOSL → {searchRecords: [...]}.
 * - POST /services/data/vXX.X/sobjects/<Type> → 201 {id, success, errors}; GET and PATCH (204)
 *   /services/data/vXX.X/sobjects/<Type>/<Id> (writes validated in wireDml.ts).
 * - GET /services/data/vXX.X/sobjects/<Type>/describe (wireMetadata.ts).
 * Errors are JSON arrays of {message, errorCode, fields}. Switches simulate an expired session, refused
 * credentials, an API refused to the user, throttling (429 / 503 / REQUEST_LIMIT_EXCEEDED with
 * Retry-After) and validation rules.
 */

export interface WireCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  securityToken: string;
  /** The certificate's public key for the JWT bearer flow. */
  jwtPublicKey?: string | KeyObject;
}

export interface WireServerOptions {
  credentials: WireCredentials;
  /** Records per query page (Salesforce's is 2000; small here so that callers must follow pages). */
  pageSize?: number;
}

export interface ValidationRule {
  object: string;
  field: string;
  message: string;
  /** True when the record breaks the rule. */
  breaks(fields: Record<string, unknown>): boolean;
}

export interface Fault {
  status: number;
  errorCode: string;
  message: string;
  retryAfter?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The q= parameter of query and search requests. */
  q?: string;
  authorization?: string;
  body?: string;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const DATA_PATH = /^\/services\/data\/v(\d{2,3}\.0)(\/.*)?$/;

export class SalesforceWireServer {
  url = '';
  readonly requests: LoggedRequest[] = [];
  readonly validationRules: ValidationRule[] = [];

  private server: Server | undefined;
  private readonly records = new Map<string, StoredRecord>();
  private readonly byId15 = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly cursors = new Map<string, { version: string; records: Array<Record<string, unknown>>; total: number }>();
  private readonly faults: Fault[] = [];
  /** Objects the integration user's profile may not read (see hideObject). */
  private readonly hidden = new Set<string>();
  private readonly picklists = new OrgPicklists();
  private apiRefusal: 401 | 403 | undefined;
  private idCounter = 1;
  private readonly pageSize: number;
  readonly orgId = '00DDn0000000001EAA';
  readonly userId = makeId('005', 1);
  private readonly oauth: WireOAuth;

  constructor(private readonly options: WireServerOptions) {
    this.pageSize = options.pageSize ?? 2;
    this.oauth = new WireOAuth(options.credentials, this);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        send(res, 500, [{ message: `wire server failure: ${(error as Error).message}`, errorCode: 'UNKNOWN_EXCEPTION' }]);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Token requests received, and the tokens issued (for assertions). */
  get tokenRequests(): ReadonlyArray<{ grantType: string; body: string }> {
    return this.oauth.tokenRequests;
  }

  get issuedTokens(): readonly string[] {
    return this.oauth.issuedTokens;
  }

  // ------------------------------------------------------------------------------------------ switches

  /** Every token issued so far stops working (the next API call answers 401 INVALID_SESSION_ID). */
  expireTokens(): void {
    this.oauth.validTokens.clear();
  }

  /** The token endpoint refuses every grant (invalid_client / invalid_grant), until `acceptCredentials`. */
  refuseCredentials(error: 'invalid_client' | 'invalid_grant' = 'invalid_grant'): void {
    this.oauth.refusal = { error, description: error === 'invalid_client' ? 'invalid client credentials' : 'authentication failure' };
  }

  acceptCredentials(): void {
    this.oauth.refusal = undefined;
  }

  /** Every API call is refused even with a fresh token: 401 INVALID_SESSION_ID or 403 API_DISABLED_FOR_ORG. */
  refuseApi(status: 401 | 403 | undefined): void {
    this.apiRefusal = status;
  }

  /**
   * The integration user loses Read on an object. Salesforce then answers as if the object did not exist:
   * SOQL and SOSL naming it fail with INVALID_TYPE ("sObject type 'Lead' is not supported"), its sObject
   * and describe resources with 404 NOT_FOUND.
   */
  hideObject(name: string): void {
    this.hidden.add(name);
  }

  /** The integration user gets Read on the object back. */
  showObject(name: string): void {
    this.hidden.delete(name);
  }

  /** An admin relabels a picklist value in Setup: the stored value (API name) stays, its label changes. */
  relabelPicklistValue(object: string, field: string, value: string, label: string): void {
    this.picklists.relabel(object, field, value, label);
  }

  /** The next API calls (not token requests) get these answers, one each, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Drops the faults not yet answered. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Records of an object, as stored (for assertions). */
  stored(object: string): Array<Record<string, unknown>> {
    return [...this.records.values()].filter((r) => r.object.name === object).map((r) => ({ ...r.fields }));
  }

  dataRequests(): LoggedRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/services/data/'));
  }

  // ------------------------------------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      q: url.searchParams.get('q') ?? undefined,
      authorization: req.headers.authorization,
      body: body || undefined,
    });

    if (url.pathname === '/services/oauth2/token') {
      if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request', error_description: 'must use HTTP POST' });
      return this.oauth.handle(new URLSearchParams(body), body, res);
    }
    const data = DATA_PATH.exec(url.pathname);
    if (!data || Number(data[1]) < 20) return notFound(res);
    const version = data[1]!;
    const route = data[2] ?? '/';

    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.oauth.validTokens.has(token) || this.apiRefusal === 401) {
      return send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (this.apiRefusal === 403) {
      return send(res, 403, [{ message: 'The REST API is not enabled for this Organization.', errorCode: 'API_DISABLED_FOR_ORG' }]);
    }
    const fault = this.faults.shift();
    if (fault) {
      return send(res, fault.status, [{ message: fault.message, errorCode: fault.errorCode }], fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    }

    try {
      const apiBase = `/services/data/v${version}`;
      if (req.method === 'GET' && /^\/query\/?$/.test(route)) return this.query(url.searchParams.get('q'), version, res);
      if (req.method === 'GET' && /^\/query\/[^/]+$/.test(route)) return this.queryMore(route.slice('/query/'.length), version, res);
      if (req.method === 'GET' && /^\/search\/?$/.test(route)) {
        const q = url.searchParams.get('q');
        if (!q) return send(res, 400, [{ message: 'A SOSL search string is required (q)', errorCode: 'MALFORMED_SEARCH' }]);
        return send(res, 200, { searchRecords: runSosl(this.view, parseSosl(q, this.hidden), apiBase) });
      }
      const describe = /^\/sobjects\/([^/]+)\/describe\/?$/.exec(route);
      if (describe && req.method === 'GET') {
        const object = this.visibleObject(decodeURIComponent(describe[1]!));
        return object ? send(res, 200, describeObject(object, apiBase, this.picklists)) : notFound(res);
      }
      const sobject = /^\/sobjects\/([^/]+)(?:\/([^/]+))?\/?$/.exec(route);
      if (sobject) {
        const object = this.visibleObject(decodeURIComponent(sobject[1]!));
        if (!object) return notFound(res);
        const id = sobject[2] ? decodeURIComponent(sobject[2]) : undefined;
        if (!id && req.method === 'POST') return this.create(object, body, res);
        if (id && req.method === 'GET') {
          const record = this.recordOf(object, id);
          return record ? send(res, 200, shapeRecord(record, { fields: 'ALL', paths: [] }, this.view, apiBase)) : notFound(res);
        }
        if (id && req.method === 'PATCH') return this.update(object, id, body, res);
        return send(res, 405, [{ message: `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH,HEAD,DELETE`, errorCode: 'METHOD_NOT_ALLOWED' }]);
      }
      return notFound(res);
    } catch (error) {
      if (error instanceof QueryError) return send(res, 400, [{ message: error.message, errorCode: error.errorCode }]);
      throw error;
    }
  }

  // ------------------------------------------------------------------------------------------ queries

  readonly view: OrgView = {
    byId: (id) => {
      const full = this.byId15.get(id.slice(0, 15));
      return full ? this.records.get(full) : undefined;
    },
    all: (object) => [...this.records.values()].filter((r) => r.object.name === object),
  };

  private query(q: string | null, version: string, res: ServerResponse): void {
    if (!q) return send(res, 400, [{ message: 'A SOQL query is required (q)', errorCode: 'MALFORMED_QUERY' }]);
    const query = parseSoql(q, this.hidden);
    const apiBase = `/services/data/v${version}`;
    const shaped = runSoql(this.view, query).map((r) => shapeRecord(r, query.selection, this.view, apiBase));
    this.page(shaped, shaped.length, `01g${randomBytes(6).toString('hex')}`, 0, version, res);
  }

  private queryMore(locator: string, version: string, res: ServerResponse): void {
    const match = /^(01g[0-9a-f]+)-(\d+)$/.exec(locator);
    const cursor = match ? this.cursors.get(match[1]!) : undefined;
    if (!match || !cursor) return send(res, 400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    this.page(cursor.records, cursor.total, match[1]!, Number(match[2]), version, res);
  }

  /** One page of a query result; nextRecordsUrl points at the next one while records remain. */
  private page(records: Array<Record<string, unknown>>, total: number, cursor: string, from: number, version: string, res: ServerResponse): void {
    const slice = records.slice(from, from + this.pageSize);
    const done = from + this.pageSize >= records.length;
    if (!done) this.cursors.set(cursor, { version, records, total });
    send(res, 200, {
      totalSize: total,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${cursor}-${from + this.pageSize}` }),
      records: slice,
    });
  }

  // ------------------------------------------------------------------------------------------ records

  private visibleObject(name: string): ObjectDef | undefined {
    const object = objectNamed(name);
    return object && !this.hidden.has(object.name) ? object : undefined;
  }

  private recordOf(object: ObjectDef, id: string): StoredRecord | undefined {
    if (!isIdShaped(id)) return undefined;
    const record = this.view.byId(id);
    return record && record.object.name === object.name ? record : undefined;
  }

  private create(object: ObjectDef, body: string, res: ServerResponse): void {
    const input = parseJsonObject(body, res);
    if (!input) return;
    const now = salesforceNow();
    const counter = (this.counters.get(object.name) ?? 0) + 1;
    const fields: Record<string, unknown> = {};
    for (const [field, def] of Object.entries(object.fields)) fields[field] = def.defaultValue ?? (def.type === 'boolean' ? false : null);
    Object.assign(fields, {
      Id: makeId(object.prefix, this.idCounter),
      OwnerId: this.userId,
      CreatedById: this.userId,
      LastModifiedById: this.userId,
      CreatedDate: now,
      LastModifiedDate: now,
      SystemModstamp: now,
    });
    if (object.autoNumber) fields[object.autoNumber.field] = object.autoNumber.format(1000 + counter);
    const errors = applyDml(this, object, fields, input, 'create');
    if (errors.length > 0) return send(res, 400, errors);
    this.idCounter++;
    this.counters.set(object.name, counter);
    const id = fields.Id as string;
    this.records.set(id, { object, fields });
    this.byId15.set(id.slice(0, 15), id);
    send(res, 201, { id, success: true, errors: [] });
  }

  private update(object: ObjectDef, id: string, body: string, res: ServerResponse): void {
    const record = this.recordOf(object, id);
    if (!record) return notFound(res);
    const input = parseJsonObject(body, res);
    if (!input) return;
    const fields = { ...record.fields };
    const errors = applyDml(this, object, fields, input, 'update');
    if (errors.length > 0) return send(res, 400, errors);
    const now = salesforceNow();
    fields.LastModifiedDate = now;
    fields.SystemModstamp = now;
    record.fields = fields;
    // Two statements: restify (loaded by the services in card tests) patches writeHead to return nothing.
    res.writeHead(204);
    res.end();
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

function parseJsonObject(body: string, res: ServerResponse): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  send(res, 400, [{ message: 'Unexpected character in the JSON body', errorCode: 'JSON_PARSER_ERROR' }]);
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': JSON_TYPE, ...headers });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  send(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
}
