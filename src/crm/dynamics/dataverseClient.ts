import { DynamicsWebApi } from 'dynamics-web-api';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import { abortableSleep } from '../shared/abortableSleep.js';
import { untilAborted } from '../shared/untilAborted.js';
import { batchFailure, isDataverseFailure, retryAfterMs, statusOf, toCrmError, type FailureContext } from './errors.js';

/** Where access tokens come from (MsalTokenSource). */
export interface TokenSource {
  getToken(): Promise<string>;
  invalidate(): void;
}

export interface DataverseClientOptions {
  configurationId: string;
  serverUrl: string;
  apiVersion: string;
  requestTimeoutMs: number;
  tokens: TokenSource;
  logger: Logger;
  /** How many times a throttled (429/503) call is sent again before it fails. */
  maxThrottleRetries?: number;
}

/** Backoff when Dataverse gives no Retry-After: 1 s, 2 s, 4 s... at most 30 s, with jitter. */
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);

/**
 * The Dataverse Web API through dynamics-web-api, with the connector's policy around every call:
 * - an access token from the token source on each request; a 401 gets a new token and one more try;
 * - 429 and 503 (service protection limits) wait for Retry-After (seconds or an HTTP date; backoff when
 *   absent) and try again, a bounded number of times, and never past the call's AbortSignal;
 * - failures become CrmError (errors.ts); an aborted signal rejects at once with its reason.
 */
export class DataverseClient {
  private readonly api: DynamicsWebApi;
  private readonly maxThrottleRetries: number;

  constructor(private readonly options: DataverseClientOptions) {
    this.api = new DynamicsWebApi({
      serverUrl: options.serverUrl,
      dataApi: { version: options.apiVersion },
      onTokenRefresh: () => options.tokens.getToken(),
      // Failed updates and upserts reject instead of resolving to false/null.
      propagateErrors: true,
      timeout: options.requestTimeoutMs,
    });
    this.maxThrottleRetries = options.maxThrottleRetries ?? 5;
  }

  get configurationId(): string {
    return this.options.configurationId;
  }

  /** Runs one Web API request (or a request and the requests of its next pages, if `run` makes several). */
  async call<T>(context: Omit<FailureContext, 'configurationId'>, signal: AbortSignal, run: (api: DynamicsWebApi) => Promise<T>): Promise<T> {
    const failure = { ...context, configurationId: this.options.configurationId };
    let refreshed = false;
    let throttled = 0;
    for (;;) {
      signal.throwIfAborted();
      try {
        // Stops waiting when the signal aborts, even for a step that cannot be cancelled (the token request).
        return await untilAborted(run(this.api), signal);
      } catch (thrown) {
        if (signal.aborted) throw signal.reason;
        if (thrown instanceof CrmError) throw thrown;
        const error = batchFailure(thrown);
        const status = statusOf(error);
        if (status === 401 && !refreshed) {
          refreshed = true;
          this.options.logger.info({ configurationId: failure.configurationId, operation: context.operation }, 'Dynamics 365 refused the access token; getting a new one');
          this.options.tokens.invalidate();
          continue;
        }
        if ((status === 429 || status === 503) && throttled < this.maxThrottleRetries) {
          const waitMs = retryAfterMs(error, Date.now()) ?? backoffMs(throttled);
          throttled++;
          this.options.logger.warn(
            { configurationId: failure.configurationId, operation: context.operation, status, attempt: throttled, waitMs },
            'Dynamics 365 throttled the request; waiting before trying again',
          );
          // The signal's own reason (e.g. the workflow's timeout), not the timer's AbortError.
          await abortableSleep(waitMs, signal);
          continue;
        }
        throw toCrmError(error, failure);
      }
    }
  }

  /**
   * Sends several requests as one $batch (one HTTP request, one against the service protection limits) and
   * returns their responses in order. `add` queues the requests on a batch-only instance (and returns the
   * promises of the queueing), so concurrent calls never mix their requests. A failed part fails the whole
   * call, as that request alone would have.
   */
  async batch(
    context: Omit<FailureContext, 'configurationId'>,
    signal: AbortSignal,
    add: (api: DynamicsWebApi) => Array<Promise<unknown>>,
  ): Promise<unknown[]> {
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

