import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { PollingLoop } from '../jobs/pollingLoop.js';
import { claimWebhookDelivery, dueWebhookDeliveries, recordWebhookAttempt, type OutboxTarget, type WebhookDelivery } from '../store/acdWebhookRepository.js';
import type { Database } from '../store/schema.js';
import { backoffMs } from '../http/backoff.js';

/** What one attempt got: an HTTP status (null: no answer), the receiver's Retry-After, and what went wrong (null: delivered). */
export interface AttemptResult {
  statusCode: number | null;
  retryAfterMs?: number;
  error: string | null;
}

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  /** Which rows of the outbox this worker delivers. */
  target: OutboxTarget;
  /** Makes one attempt at a delivery; never throws (a failure is its result). */
  send: (delivery: WebhookDelivery) => Promise<AttemptResult>;
  /** Names the deliveries in the log ("ACD webhook event", "TaskRouter call"). */
  what: string;
  logger: Logger;
  clock: () => Date;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number;
  /** The first retry's wait; each next one doubles, up to maxDelayMs, with jitter (src/http/backoff.ts). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  pollMs?: number;
}

/** How long one attempt holds its delivery: a worker that dies mid-attempt leaves it to be tried again after. */
const ATTEMPT_LEASE_MS = 60_000;
const BATCH = 20;

/**
 * Delivers one target's rows of the ACD outbox (acd_webhook_deliveries): each attempt claimed first (one
 * worker at a time per row), retried with exponential backoff and jitter (Retry-After honoured), and marked
 * failed after maxAttempts or an answer that asking again will not change (a 4xx other than 408 and 429).
 * Rows are written in the same transaction as the change they report, so a restart loses none.
 */
export class OutboxWorker {
  /** Idle: only drain() runs (tests, scripts); started: it polls and wakes; stopped: drain ends its batch. */
  private readonly loop: PollingLoop;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.loop = new PollingLoop({ run: () => this.drain(), pollMs: options.pollMs ?? 1_000, onError: (error) => options.logger.error({ err: error }, `${options.what} worker loop failed`) });
  }

  start(): void {
    this.loop.start();
  }

  /** Looks for due deliveries now (one was just queued) instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Attempts every due delivery until none is due. Returns how many attempts were made. */
  async drain(): Promise<number> {
    let attempted = 0;
    while (!this.loop.stopped) {
      const now = this.options.clock();
      const due = await dueWebhookDeliveries(this.options.db, now.toISOString(), BATCH, this.options.target);
      if (due.length === 0) break;
      for (const delivery of due) {
        if (!(await claimWebhookDelivery(this.options.db, delivery, new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString()))) continue;
        await this.attempt(delivery);
        attempted++;
      }
    }
    return attempted;
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const { logger, clock, what } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 8;
    const attempts = delivery.attempts + 1;
    const { statusCode, retryAfterMs, error } = await this.options.send(delivery);
    const now = clock();
    const hopeless = statusCode !== null && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429;
    const status = error === null ? 'delivered' : hopeless || attempts >= maxAttempts ? 'failed' : 'pending';
    const waitMs = retryAfterMs ?? backoffMs(attempts - 1, { baseDelayMs: this.options.baseDelayMs ?? 1_000, maxDelayMs: this.options.maxDelayMs ?? 10 * 60_000 });
    await recordWebhookAttempt(this.options.db, delivery.id, {
      status,
      attempts,
      statusCode,
      error,
      nextAttemptAt: new Date(now.getTime() + (status === 'pending' ? waitMs : 0)).toISOString(),
      now: now.toISOString(),
    });
    const context = { deliveryId: delivery.id, type: delivery.type, attempts, statusCode };
    if (status === 'delivered') logger.info(context, `${what} delivered`);
    else if (status === 'failed') logger.error({ ...context, error }, `${what} given up`);
    else logger.warn({ ...context, error, retryInMs: waitMs }, `${what} not delivered yet: will retry`);
  }
}

/** What went wrong, short and without the request (no secret or body is logged or shown). */
export function describeFailure(thrown: unknown, timeoutMs: number): string {
  const error = thrown as { name?: string; message?: string; cause?: { code?: string } };
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  return (error.cause?.code ?? error.message ?? 'request failed').slice(0, 200);
}
