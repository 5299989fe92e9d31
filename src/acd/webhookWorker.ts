import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { WebhookDelivery } from '../store/acdWebhookRepository.js';
import type { Database } from '../store/schema.js';
import { retryAfterMs as parseRetryAfter } from '../http/retryAfter.js';
import { describeFailure, OutboxWorker, type AttemptResult } from './outboxWorker.js';
import { signAcdBody } from './signature.js';

export interface AcdWebhookWorkerOptions {
  db: Kysely<Database>;
  /** ACD_WEBHOOK_URL: where the events are POSTed. */
  url: string;
  /** ACD_WEBHOOK_SECRET: what they are signed with (X-Signature, as the events API checks its own). */
  secret: string;
  logger: Logger;
  clock: () => Date;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  pollMs?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Delivers the webhook's rows of the ACD outbox to the generic ACD: each event POSTed signed, with its id as
 * Idempotency-Key on every attempt. Retries, backoff and giving up are the OutboxWorker's.
 */
export class AcdWebhookWorker extends OutboxWorker {
  constructor(options: AcdWebhookWorkerOptions) {
    super({ ...options, target: 'webhook', what: 'ACD webhook event', send: (delivery) => postSigned(options.url, options.secret, delivery, options.clock) });
  }
}

async function postSigned(url: string, secret: string, delivery: WebhookDelivery, clock: () => Date): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signAcdBody(secret, delivery.body), 'idempotency-key': delivery.id },
      body: delivery.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined); // the answer's body is not used; read it so the connection is freed
    const statusCode = response.status;
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? boundedRetryAfter(parseRetryAfter(response.headers.get('retry-after'), clock().getTime())) : undefined;
    return { statusCode, retryAfterMs, error: response.ok ? null : `HTTP ${statusCode}` };
  } catch (thrown) {
    return { statusCode: null, error: describeFailure(thrown, REQUEST_TIMEOUT_MS) };
  }
}

/** An ACD asking us to wait is heard, up to an hour: a longer ask would hold the delivery past any use. */
function boundedRetryAfter(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.min(ms, 60 * 60_000);
}
