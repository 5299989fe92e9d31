import { retryAfterMs } from '../../http/retryAfter.js';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import type { RetryPolicy } from '../shared/httpKit/retryConfig.js';
import { isThrottleStatus, withRetries, type TryOutcome } from '../shared/httpKit/withRetries.js';
import type { ServiceNowAuth } from './auth.js';
import { toCrmError } from './errors.js';

export type ServiceNowRow = Record<string, unknown>;

export interface ClientSettings {
  instanceUrl: string;
  apiVersion?: string;
  configurationId: string;
  auth: ServiceNowAuth;
  logger: Logger;
  retry: RetryPolicy;
  clock: () => Date;
}

export interface Page {
  rows: ServiceNowRow[];
  /** The next page's URL (Link rel="next"), on this instance only. */
  next?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The Table API over Node's fetch: the Authorization header, one token renewal on 401, 429 and 503 tried
 * again under the `retry` policy (withRetries: Retry-After, backoff, never past the caller's signal), ServiceNow's failure bodies turned into
 * CrmErrors, and pagination by the Link header.
 */
export class ServiceNowClient {
  private readonly base: string;
  private readonly origin: string;

  constructor(private readonly settings: ClientSettings) {
    const url = new URL(settings.instanceUrl);
    this.origin = url.origin;
    this.base = `${url.origin}/api/now/${settings.apiVersion ? `${settings.apiVersion}/` : ''}table/`;
  }

  /** GET one record by sys_id; null when ServiceNow has no such record (or may not show it). */
  async get(table: string, sysId: string, signal: AbortSignal, params: Record<string, string> = {}): Promise<ServiceNowRow | null> {
    try {
      const answer = await this.call('GET', this.url(`${table}/${sysId}`, params), undefined, signal, table);
      return rowOf(answer.body);
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  /** One page of a query: GET /table/{table}?sysparm_query=... */
  async page(table: string, params: Record<string, string>, signal: AbortSignal): Promise<Page> {
    return this.pageAt(this.url(table, params), signal, table);
  }

  /** The page a Link rel="next" points at. */
  async pageAt(url: string, signal: AbortSignal, table: string): Promise<Page> {
    if (new URL(url).origin !== this.origin) throw new CrmError(`ServiceNow pointed the next page at another host; refused`);
    let answer: Answer;
    try {
      answer = await this.call('GET', url, undefined, signal, table);
    } catch (error) {
      // Table API v1 answers a query without results with 404 (v2 and later: 200 and []).
      if (error instanceof CrmError && error.status === 404) return { rows: [] };
      throw error;
    }
    const result = (answer.body as { result?: unknown } | null)?.result;
    const rows = Array.isArray(result) ? (result as ServiceNowRow[]) : [];
    const next = nextLink(answer.headers.get('link'));
    return { rows, next: next && new URL(next, this.origin).origin === this.origin ? new URL(next, this.origin).href : undefined };
  }

  async create(table: string, body: Record<string, string>, signal: AbortSignal, params: Record<string, string> = {}): Promise<ServiceNowRow> {
    const answer = await this.call('POST', this.url(table, params), body, signal, table);
    return requireRow(answer.body, table);
  }

  async patch(table: string, sysId: string, body: Record<string, string>, signal: AbortSignal, params: Record<string, string> = {}): Promise<ServiceNowRow> {
    const answer = await this.call('PATCH', this.url(`${table}/${sysId}`, params), body, signal, table);
    return requireRow(answer.body, table);
  }

  private url(path: string, params: Record<string, string>): string {
    const url = new URL(this.base + path.split('/').map(encodeURIComponent).join('/'));
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }

  private async call(method: string, url: string, body: Record<string, string> | undefined, signal: AbortSignal, table: string): Promise<Answer> {
    const context = { configurationId: this.settings.configurationId, method, table, written: body ? Object.keys(body) : [] };
    const { auth, logger, configurationId } = this.settings;
    let renewed = false;
    const attempt = async (): Promise<TryOutcome<Answer>> => {
      for (;;) {
        signal.throwIfAborted();
        const authorization = await auth.authorization(signal);
        const answer = await this.send(method, url, authorization, body, signal);
        if (answer.status >= 200 && answer.status < 300) return { done: answer };
        if (answer.status === 401 && !renewed && auth.refused(authorization)) {
          renewed = true;
          logger.info({ configurationId, table }, 'ServiceNow refused the access token; renewing it once');
          continue;
        }
        if (!isThrottleStatus(answer.status)) throw toCrmError(answer.status, answer.body, context);
        return {
          throttled: { status: answer.status, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), this.settings.clock().getTime()) },
          giveUp: () => {
            throw toCrmError(answer.status, answer.body, context);
          },
        };
      }
    };
    return withRetries(this.settings.retry, signal, attempt, {
      onWait: ({ throttle, waitMs, retry }) => logger.warn({ configurationId, table, status: throttle.status, waitMs, attempt: retry }, 'ServiceNow asked to slow down; retrying'),
    });
  }

  private async send(method: string, url: string, authorization: string, body: Record<string, string> | undefined, signal: AbortSignal): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const cause = (error as { cause?: { code?: unknown } }).cause;
      throw new CrmError(`could not reach ServiceNow for configuration "${this.settings.configurationId}" (${typeof cause?.code === 'string' ? cause.code : 'network error'})`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

function rowOf(body: unknown): ServiceNowRow | null {
  const result = (body as { result?: unknown } | null)?.result;
  return result && typeof result === 'object' && !Array.isArray(result) ? (result as ServiceNowRow) : null;
}

function requireRow(body: unknown, table: string): ServiceNowRow {
  const row = rowOf(body);
  if (!row) throw new CrmError(`ServiceNow answered a write to ${table} without the record`);
  return row;
}

/** The rel="next" URL of a Link header: `<https://...>;rel="next",<...>;rel="last"`. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/i.exec(part.trim());
    if (match && match[2]!.toLowerCase() === 'next') return match[1];
  }
  return undefined;
}
