import { PassThrough } from 'node:stream';
import type { Connection, HttpRequest, HttpResponse } from 'jsforce';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import { retryAfterMs } from '../../http/retryAfter.js';
import type { RetryPolicy } from '../shared/httpKit/retryConfig.js';
import { withRetries, type TryOutcome } from '../shared/httpKit/withRetries.js';

/** Where the transport gets the bearer token of a request, and how it drops one Salesforce refused. */
export interface AccessTokens {
  token(signal: AbortSignal): Promise<string>;
  invalidate(token: string): void;
}

export interface TransportOptions {
  /** The call's signal: every request and every wait stops when it aborts. */
  signal: AbortSignal;
  /** Absent for the token endpoint itself. */
  tokens?: AccessTokens;
  retry: RetryPolicy;
  logger: Logger;
  clock: () => Date;
}

/** jsforce's transport type; ours is the same shape (httpRequest returning a promise with a stream()). */
export type JsforceTransport = Connection['_transport'];

/**
 * The HTTP layer under jsforce for ONE port call (jsforce has no AbortSignal of its own, so each call gets
 * its own transport). It puts the bearer token on each request; on a 401 it drops the token, gets a new one
 * and sends the request again, once per call; on 429, 503 or REQUEST_LIMIT_EXCEEDED it waits and tries
 * again under the `retry` policy (withRetries), never past the signal. jsforce parses what it returns.
 */
export class SalesforceTransport {
  /** The HTTP status of the last answer handed to jsforce (jsforce's errors do not carry it). */
  lastStatus: number | undefined;
  private refreshed = false;

  constructor(private readonly options: TransportOptions) {}

  /** What jsforce's Connection and OAuth2 call. */
  httpRequest(request: HttpRequest): Promise<HttpResponse> & { stream(): PassThrough } {
    // jsforce pipes this stream only for streaming consumers; the connector reads parsed bodies.
    const stream = new PassThrough();
    stream.end();
    return Object.assign(this.send(request), { stream: () => stream });
  }

  /** This transport as jsforce types it. */
  asJsforce(): JsforceTransport {
    return this as unknown as JsforceTransport;
  }

  private send(request: HttpRequest): Promise<HttpResponse> {
    const { signal, retry, logger } = this.options;
    return withRetries(
      retry,
      signal,
      async (): Promise<TryOutcome<HttpResponse>> => {
        const response = await this.sendAuthorized(request);
        const reason = throttleReason(response);
        if (!reason) return { done: response };
        const retryAfter = retryAfterMs(response.headers['retry-after'], this.options.clock().getTime());
        return {
          throttled: { status: response.statusCode, retryAfterMs: retryAfter, reason },
          giveUp: (why) => {
            if (why.why === 'retryAfter') logger.warn({ status: response.statusCode, reason, waitMs: why.waitMs }, 'Salesforce asked to wait longer than allowed; giving up');
            // jsforce turns the throttled answer into the error the connector maps.
            return response;
          },
        };
      },
      { onWait: ({ throttle, waitMs, retry: attempt }) => logger.warn({ status: throttle.status, reason: throttle.reason, waitMs, attempt }, 'Salesforce throttled the request; retrying') },
    );
  }

  /** One request with the current token; on a 401, once per call, the same request with a new token. */
  private async sendAuthorized(request: HttpRequest): Promise<HttpResponse> {
    const { signal, tokens, logger } = this.options;
    for (;;) {
      signal.throwIfAborted();
      const token = tokens ? await tokens.token(signal) : undefined;
      const response = await this.fetchOnce(request, token);
      this.lastStatus = response.statusCode;
      if (response.statusCode === 401 && tokens && token && !this.refreshed) {
        this.refreshed = true;
        tokens.invalidate(token);
        logger.info({ method: request.method }, 'Salesforce refused the access token (401); getting a new one and retrying once');
        continue;
      }
      return response;
    }
  }

  private async fetchOnce(request: HttpRequest, token: string | undefined): Promise<HttpResponse> {
    const { signal } = this.options;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      // fetch computes the length itself; jsforce's Authorization (if any) is replaced by ours.
      if (!/^(content-length|authorization)$/i.test(name)) headers[name] = value;
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        body: typeof request.body === 'string' ? request.body : undefined,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason as Error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CrmError(`Salesforce could not be reached${cause ? ` (${cause})` : ''}`);
    }
    const body = await response.text();
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    return { statusCode: response.status, headers: responseHeaders, body };
  }
}

/** Why an answer means "try again later", if it does. */
function throttleReason(response: HttpResponse): string | undefined {
  if (response.statusCode === 429) return 'HTTP 429';
  if (response.statusCode === 503) return 'HTTP 503';
  if (response.statusCode === 403 && /"errorCode"\s*:\s*"REQUEST_LIMIT_EXCEEDED"/.test(response.body)) return 'REQUEST_LIMIT_EXCEEDED';
  return undefined;
}
