import { DynamicsWebApi } from 'dynamics-web-api';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import type { RetryPolicy } from '../shared/httpKit/retryConfig.js';
import { isThrottleStatus, withRetries, type TryOutcome } from '../shared/httpKit/withRetries.js';
import { untilAborted } from '../shared/untilAborted.js';
import { batchFailure, isDataverseFailure, retryAfterMs, statusOf, toCrmError, type FailureContext } from './errors.js';

/** Where access tokens come from (MsalTokenSource). */
export interface TokenSource {
  getToken(): Promise<string>;
  /** How many times a refused token was replaced so far. */
  readonly renewals: number;
  /** A call sent when `renewals` was this got 401; a token renewed since then is not renewed again. */
  invalidate(renewalsSeen: number): void;
}

export interface DataverseClientOptions {
  configurationId: string;
  serverUrl: string;
  apiVersion: string;
  requestTimeoutMs: number;
  tokens: TokenSource;
  logger: Logger;
  /** How throttled (429/503) calls are tried again. */
  retry: RetryPolicy;
}

/**
 * The Dataverse Web API through dynamics-web-api, with the connector's policy around every call:
 * - an access token from the token source on each request; a 401 gets a new token and one more try;
 * - 429 and 503 (service protection limits) wait and try again under the `retry` policy (withRetries),
 *   never past the call's AbortSignal;
 * - failures become CrmError (errors.ts); an aborted signal rejects at once with its reason.
 */
export class DataverseClient {
  private readonly api: DynamicsWebApi;

  constructor(private readonly options: DataverseClientOptions) {
    this.api = new DynamicsWebApi({
      serverUrl: options.serverUrl,
      dataApi: { version: options.apiVersion },
      onTokenRefresh: () => options.tokens.getToken(),
      // Failed updates and upserts reject instead of resolving to false/null.
      propagateErrors: true,
      timeout: options.requestTimeoutMs,
    });
  }

  get configurationId(): string {
    return this.options.configurationId;
  }

  /** Runs one Web API request (or a request and the requests of its next pages, if `run` makes several). */
  async call<T>(context: Omit<FailureContext, 'configurationId'>, signal: AbortSignal, run: (api: DynamicsWebApi) => Promise<T>): Promise<T> {
    const failure = { ...context, configurationId: this.options.configurationId };
    const { logger } = this.options;
    let refreshed = false;
    const attempt = async (): Promise<TryOutcome<T>> => {
      for (;;) {
        signal.throwIfAborted();
        const renewals = this.options.tokens.renewals;
        try {
          // Stops waiting when the signal aborts, even for a step that cannot be cancelled (the token request).
          return { done: await untilAborted(run(this.api), signal) };
        } catch (thrown) {
          if (signal.aborted) throw signal.reason;
          if (thrown instanceof CrmError) throw thrown;
          const error = batchFailure(thrown);
          const status = statusOf(error);
          if (status === 401 && !refreshed) {
            refreshed = true;
            logger.info({ configurationId: failure.configurationId, operation: context.operation }, 'Dynamics 365 refused the access token; getting a new one');
            this.options.tokens.invalidate(renewals);
            continue;
          }
          if (!isThrottleStatus(status)) throw toCrmError(error, failure);
          return {
            throttled: { status, retryAfterMs: retryAfterMs(error, Date.now()) },
            giveUp: () => {
              throw toCrmError(error, failure);
            },
          };
        }
      }
    };
    return withRetries(this.options.retry, signal, attempt, {
      onWait: ({ throttle, waitMs, retry }) =>
        logger.warn(
          { configurationId: failure.configurationId, operation: context.operation, status: throttle.status, attempt: retry, waitMs },
          'Dynamics 365 throttled the request; waiting before trying again',
        ),
    });
  }

  /**
   * Sends several requests as one $batch (one HTTP request, one against the service protection limits) and
   * returns their responses in order. `add` queues the requests on a batch-only instance (and returns the
   * promises of the queueing), so concurrent calls never mix their requests. A failed part fails the whole
   * call, as that request alone would have.
   */
  async batch(context: Omit<FailureContext, 'configurationId'>, signal: AbortSignal, add: (api: DynamicsWebApi) => Array<Promise<unknown>>): Promise<unknown[]> {
    return this.call(context, signal, async (api) => {
      const batch = api.initializeInstance();
      batch.startBatch();
      await Promise.all(add(batch));
      const responses = await batch.executeBatch({ signal });
      const failed = responses.find((r) => r instanceof Error && isDataverseFailure(r));
      if (failed) throw failed;
      return responses;
    });
  }

  /**
   * Like `batch`, but each request succeeds or fails on its own (Prefer: odata.continue-on-error): a failed
   * part is its CrmError in the answer, in its place, and the other parts are kept. A failure of the batch
   * itself (token, throttling, network) still rejects.
   */
  async batchSettled(
    context: Omit<FailureContext, 'configurationId'>,
    signal: AbortSignal,
    add: (api: DynamicsWebApi) => Array<Promise<unknown>>,
  ): Promise<Array<{ ok: true; value: unknown } | { ok: false; error: CrmError }>> {
    const failure = { ...context, configurationId: this.options.configurationId };
    const responses = await this.call(context, signal, async (api) => {
      const batch = api.initializeInstance();
      batch.startBatch();
      await Promise.all(add(batch));
      return batch.executeBatch({ signal, continueOnError: true });
    });
    return responses.map((r) => (r instanceof Error && isDataverseFailure(r) ? { ok: false as const, error: toCrmError(r, failure) } : { ok: true as const, value: r }));
  }
}
