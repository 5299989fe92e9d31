import { createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSoql, parseSosl, QueryError, runSoql, runSosl, shapeRecord, type OrgView, type StoredRecord } from './wireQuery.js';
import { fieldNamed, isIdShaped, makeId, NUMBER_TYPES, objectNamed, OBJECTS, TEXT_TYPES, type ObjectDef } from './wireSchema.js';

/**
 * A local Salesforce org over HTTP, speaking the REST API's wire format (REST API Developer Guide) for the
 * endpoints the connector uses:
 * - POST /services/oauth2/token: grant_type client_credentials, password (password + security token) and
 *   urn:ietf:params:oauth:grant-type:jwt-bearer (RS256 assertion verified with the app's public key; iss,
 *   sub, aud and exp checked). Answers {access_token, instance_url, id, token_type, issued_at, signature}
 *   or 400 {error, error_description}.
 * - GET /services/data/vXX.X/query?q=SOQL, and GET .../query/<locator> for nextRecordsUrl pages.
 * - GET /services/data/vXX.X/search?q=SOSL → {searchRecords: [...]}.
 * - POST /services/data/vXX.X/sobjects/<Type> → 201 {id, success, errors}; GET and PATCH (204)
 *   /services/data/vXX.X/sobjects/<Type>/<Id>.
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
  readonly tokenRequests: Array<{ grantType: string; body: string }> = [];
  readonly issuedTokens: string[] = [];
  readonly validationRules: ValidationRule[] = [];

  private server: Server | undefined;
  private readonly validTokens = new Set<string>();
  private readonly records = new Map<string, StoredRecord>();
  private readonly byId15 = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly cursors = new Map<string, { version: string; records: Array<Record<string, unknown>>; total: number }>();
  private readonly faults: Fault[] = [];
  private refusal: { error: string; description: string } | undefined;
  private apiRefusal: 401 | 403 | undefined;
  private idCounter = 1;
  private readonly pageSize: number;
  private readonly jwtKey: KeyObject | undefined;
  private readonly orgId = '00DDn0000000001EAA';
  private readonly userId: string;

  constructor(private readonly options: WireServerOptions) {
    this.pageSize = options.pageSize ?? 2;
    const key = options.credentials.jwtPublicKey;
    this.jwtKey = key === undefined ? undefined : typeof key === 'string' ? createPublicKey(key) : key;
    this.userId = makeId('005', 1);
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

  // ------------------------------------------------------------------------------------------ switches

  /** Every token issued so far stops working (the next API call answers 401 INVALID_SESSION_ID). */
  expireTokens(): void {
    this.validTokens.clear();
  }

  /** The token endpoint refuses every grant (invalid_client / invalid_grant), until `acceptCredentials`. */
  refuseCredentials(error: 'invalid_client' | 'invalid_grant' = 'invalid_grant'): void {
    this.refusal = { error, description: error === 'invalid_client' ? 'invalid client credentials' : 'authentication failure' };
  }

  acceptCredentials(): void {
    this.refusal = undefined;
  }

  /** Every API call is refused even with a fresh token: 401 INVALID_SESSION_ID or 403 API_DISABLED_FOR_ORG. */
  refuseApi(status: 401 | 403 | undefined): void {
    this.apiRefusal = status;
  }

  /** The next API calls (not token requests) get these answers, one each, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
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
      return this.token(new URLSearchParams(body), body, res);
    }
    const data = DATA_PATH.exec(url.pathname);
    if (!data || Number(data[1]) < 20) return notFound(res);
    const version = data[1]!;
    const route = data[2] ?? '/';

    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token) || this.apiRefusal === 401) {
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
        return send(res, 200, { searchRecords: runSosl(this.view, parseSosl(q), apiBase) });
      }
      const sobject = /^\/sobjects\/([^/]+)(?:\/([^/]+))?\/?$/.exec(route);
      if (sobject) {
        const object = objectNamed(decodeURIComponent(sobject[1]!));
        if (!object) return notFound(res);
        const id = sobject[2] ? decodeURIComponent(sobject[2]) : undefined;
        if (!id && req.method === 'POST') return this.create(object, body, res);
        if (id && req.method === 'GET') {
          const record = this.recordOf(object, id);
          return record ? send(res, 200, shapeRecord(record, { k: 'fields', which: 'ALL' }, this.view, apiBase)) : notFound(res);
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

  // ------------------------------------------------------------------------------------------ OAuth

  private token(params: URLSearchParams, body: string, res: ServerResponse): void {
    const grantType = params.get('grant_type') ?? '';
    this.tokenRequests.push({ grantType, body });
    const { credentials } = this.options;
    const refuse = (error: string, description: string) => send(res, 400, { error, error_description: description });
    if (this.refusal) return refuse(this.refusal.error, this.refusal.description);

    if (grantType === 'client_credentials') {
      if (params.get('client_id') !== credentials.clientId || params.get('client_secret') !== credentials.clientSecret) {
        return refuse('invalid_client', 'invalid client credentials');
      }
    } else if (grantType === 'password') {
      if (params.get('client_id') !== credentials.clientId || params.get('client_secret') !== credentials.clientSecret) {
        return refuse('invalid_client_id', 'client identifier invalid');
      }
      if (params.get('username') !== credentials.username || params.get('password') !== credentials.password + credentials.securityToken) {
        return refuse('invalid_grant', 'authentication failure');
      }
    } else if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const problem = this.jwtProblem(params.get('assertion') ?? '');
      if (problem) return refuse('invalid_grant', problem);
    } else {
      return refuse('unsupported_grant_type', 'grant type not supported');
    }

    const accessToken = `${this.orgId.slice(0, 15)}!AQ${randomBytes(24).toString('base64url')}`;
    this.validTokens.add(accessToken);
    this.issuedTokens.push(accessToken);
    const issuedAt = String(Date.now());
    send(res, 200, {
      access_token: accessToken,
      signature: createHmac('sha256', credentials.clientSecret).update(`${this.url}/id/${this.orgId}/${this.userId}${issuedAt}`).digest('base64'),
      scope: 'api',
      instance_url: this.url,
      id: `${this.url}/id/${this.orgId}/${this.userId}`,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  }

  /** Why a JWT bearer assertion is refused, or undefined when it is good. */
  private jwtProblem(assertion: string): string | undefined {
    const parts = assertion.split('.');
    if (parts.length !== 3 || !this.jwtKey) return 'invalid assertion';
    const [header, payload, signature] = parts as [string, string, string];
    let head: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof head;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return 'invalid assertion';
    }
    if (head.alg !== 'RS256') return 'invalid assertion';
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.jwtKey, Buffer.from(signature, 'base64url'))) return 'invalid assertion';
    const { credentials } = this.options;
    if (claims.iss !== credentials.clientId) return 'invalid client credentials';
    if (claims.sub !== credentials.username) return 'user hasn\'t approved this consumer';
    if (claims.aud !== 'https://login.salesforce.com' && claims.aud !== 'https://test.salesforce.com' && claims.aud !== this.url) return 'audience is invalid';
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp > now + 300) return 'expired authorization code';
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ queries

  private readonly view: OrgView = {
    byId: (id) => {
      const full = this.byId15.get(id.slice(0, 15));
      return full ? this.records.get(full) : undefined;
    },
    all: (object) => [...this.records.values()].filter((r) => r.object.name === object),
  };

  private query(q: string | null, version: string, res: ServerResponse): void {
    if (!q) return send(res, 400, [{ message: 'A SOQL query is required (q)', errorCode: 'MALFORMED_QUERY' }]);
    const query = parseSoql(q);
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
    const errors = this.write(object, fields, input, 'create');
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
    const errors = this.write(object, fields, input, 'update');
    if (errors.length > 0) return send(res, 400, errors);
    const now = salesforceNow();
    fields.LastModifiedDate = now;
    fields.SystemModstamp = now;
    record.fields = fields;
    res.writeHead(204).end();
  }

  /** Applies input to fields as Salesforce validates a DML; returns its errors (empty when written). */
  private write(object: ObjectDef, fields: Record<string, unknown>, input: Record<string, unknown>, mode: 'create' | 'update'): Array<Record<string, unknown>> {
    const errors: Array<Record<string, unknown>> = [];
    const readOnly: string[] = [];
    for (const [rawName, value] of Object.entries(input)) {
      const field = fieldNamed(object, rawName);
      if (!field) {
        errors.push({ message: `No such column '${rawName}' on sobject of type ${object.name}`, errorCode: 'INVALID_FIELD', fields: [] });
        continue;
      }
      const def = object.fields[field]!;
      if (def.readOnly || (mode === 'update' && field === 'TaskSubtype')) {
        readOnly.push(field);
        continue;
      }
      const problem = this.valueProblem(object, field, value);
      if (problem) {
        errors.push({ ...problem, fields: [field] });
        continue;
      }
      fields[field] = value === null ? null : NUMBER_TYPES.has(def.type) ? Number(value) : TEXT_TYPES.has(def.type) ? String(value) : value;
    }
    if (readOnly.length > 0) {
      errors.push({
        message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        fields: readOnly,
      });
    }
    if (errors.length > 0) return errors;

    const missing = Object.entries(object.fields)
      .filter(([field, def]) => def.required && (fields[field] === null || fields[field] === undefined || fields[field] === ''))
      .map(([field]) => field);
    if (missing.length > 0) return [{ message: `Required fields are missing: [${missing.join(', ')}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: missing }];

    this.derive(object, fields);
    for (const rule of this.validationRules) {
      if (rule.object === object.name && rule.breaks(fields)) {
        errors.push({ message: rule.message, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: [rule.field] });
      }
    }
    for (const [field, def] of Object.entries(object.fields)) {
      if (!def.unique || fields[field] === null) continue;
      const other = this.view.all(object.name).find((r) => r.fields.Id !== fields.Id && String(r.fields[field]).toLowerCase() === String(fields[field]).toLowerCase());
      if (other) {
        errors.push({ message: `duplicate value found: ${field} duplicates value on record with id: ${String(other.fields.Id)}`, errorCode: 'DUPLICATE_VALUE', fields: [] });
      }
    }
    return errors;
  }

  /** What is wrong with a value for a field, as Salesforce words it, if anything. */
  private valueProblem(object: ObjectDef, field: string, value: unknown): { message: string; errorCode: string } | undefined {
    const def = object.fields[field]!;
    if (value === null) return undefined;
    if (typeof value === 'object') return { message: `Cannot deserialize instance of ${def.type} from START_OBJECT value`, errorCode: 'JSON_PARSER_ERROR' };
    if (def.type === 'reference') {
      if (typeof value !== 'string' || !isIdShaped(value)) return { message: `${field}: id value of incorrect type: ${String(value)}`, errorCode: 'MALFORMED_ID' };
      const target = this.view.byId(value);
      const allowed = def.refersTo ?? [];
      if (!allowed.some((name) => OBJECTS[name]?.prefix === value.slice(0, 3))) {
        return { message: `${field}: id value of incorrect type: ${value}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION' };
      }
      if (!target) return { message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY' };
      return undefined;
    }
    if (def.type === 'boolean' && typeof value !== 'boolean') return { message: `Cannot deserialize instance of boolean from VALUE_STRING value ${String(value)}`, errorCode: 'JSON_PARSER_ERROR' };
    if (NUMBER_TYPES.has(def.type) && (typeof value === 'boolean' || Number.isNaN(Number(value)) || (def.type === 'int' && !Number.isInteger(Number(value))))) {
      return { message: `${field}: value not of required type: ${String(value)}`, errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' };
    }
    if (def.type === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) {
      return { message: `${field}: value not of required type: ${String(value)}`, errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' };
    }
    if (def.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value))) return { message: `${field}: invalid email address: ${String(value)}`, errorCode: 'INVALID_EMAIL_ADDRESS' };
    if (TEXT_TYPES.has(def.type) && def.maxLength && String(value).length > def.maxLength) {
      return { message: `${field}: data value too large: ${String(value).slice(0, 40)} (max length=${def.maxLength})`, errorCode: 'STRING_TOO_LONG' };
    }
    return undefined;
  }

  /** Computed fields: person names, closed flags, a task's account. */
  private derive(object: ObjectDef, fields: Record<string, unknown>): void {
    if (object.name === 'Contact' || object.name === 'Lead') {
      fields.Name = [fields.FirstName, fields.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ');
    }
    if (object.name === 'Case') {
      fields.IsClosed = fields.Status === 'Closed';
      fields.ClosedDate = fields.IsClosed ? (fields.ClosedDate ?? salesforceNow()) : null;
    }
    if (object.name === 'WorkOrder') fields.IsClosed = fields.Status === 'Closed' || fields.Status === 'Completed';
    if (object.name === 'Opportunity') {
      fields.IsClosed = fields.StageName === 'Closed Won' || fields.StageName === 'Closed Lost';
      fields.IsWon = fields.StageName === 'Closed Won';
    }
    if (object.name === 'Task') {
      fields.IsClosed = fields.Status === 'Completed';
      const what = typeof fields.WhatId === 'string' ? this.view.byId(fields.WhatId) : undefined;
      const who = typeof fields.WhoId === 'string' ? this.view.byId(fields.WhoId) : undefined;
      fields.AccountId = what?.object.name === 'Account' ? what.fields.Id : ((what?.fields.AccountId as string | undefined) ?? (who?.object.name === 'Contact' ? who.fields.AccountId : null) ?? null);
    }
  }
}

/** Salesforce's dateTime format, to the second: 2026-03-14T09:30:00.000+0000. */
function salesforceNow(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('Z', '+0000');
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
