import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DeliveryStatus } from '../domain/digital.js';
import { backoffMs } from '../http/backoff.js';
import { PollingLoop } from '../jobs/pollingLoop.js';
import { claimDueReplies, recordReplyAttempt, replyToSend } from '../store/repliesRepository.js';
import type { Database } from '../store/schema.js';
import type { BoxAnswer, BoxClient } from './boxClient.js';

export interface ReplyDeliveryOptions {
  db: Kysely<Database>;
  box: Pick<BoxClient, 'send'>;
  logger: Logger;
  clock: () => Date;
  /** Told after each committed change of a reply's delivery, so the card shows it (failed: why). */
  onDeliveryChanged: (change: { interactionId: string; status: DeliveryStatus; error: string | null }) => void | Promise<void>;
  /** Attempts before a reply is given up as not delivered (DIGITAL_REPLY_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** The first retry's wait; each next one doubles, up to maxDelayMs, with jitter (src/http/backoff.ts). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  pollMs?: number;
  /** How long one attempt holds its reply: a worker that dies mid-attempt leaves it to another after this. */
  leaseMs?: number;
}

/** Attempts in flight at once, per instance: enough that a slow or dropping box does not hold the next reply up. */
const IN_FLIGHT = 16;

/**
 * Sends agents' replies (the pending outbound rows of digital_messages) to their integration's box URL: each
 * attempt claimed under a lease first (two instances never send one reply at once), retried with exponential
 * backoff and jitter (Retry-After honoured) while the box is unreachable or busy, and given up as failed, with
 * why, after maxAttempts or at an answer that asking again will not change. Attempts run side by side, up
 * to IN_FLIGHT, each on its own: a reply stored meanwhile is claimed at once (its wake) instead of waiting for
 * the slowest attempt of a batch, which is what kept the slowest replies waiting (issue 14's bench).
 */
export class ReplyDelivery {
  private readonly loop: PollingLoop;
  /** The cards told of deliveries, one after the other, behind the sends: a card is drawn after the POSTs, never before. */
  private cardsTold: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplyDeliveryOptions) {
    this.loop = new PollingLoop({ run: () => this.sendDue(), pollMs: options.pollMs ?? 1_000, onError: (error) => options.logger.error({ err: error }, 'reply delivery loop failed') });
  }

  start(): void {
    this.loop.start();
  }

  /** A reply was just stored: look now instead of at the next poll (or when an attempt in flight ends). */
  wake(): void {
    this.nudge?.();
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.cardsTold;
  }

  /** Attempts every due reply until none is due, and tells their cards; how many attempts were made (tests and scripts call it directly). */
  async drain(): Promise<number> {
    const attempted = await this.sendDue();
    await this.cardsTold;
    return attempted;
  }

  private readonly inFlight = new Set<Promise<void>>();
  private nudge: (() => void) | undefined;

  private async sendDue(): Promise<number> {
    let attempted = 0;
    while (!this.loop.stopped) {
      const room = IN_FLIGHT - this.inFlight.size;
      const now = this.options.clock();
      const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 60_000)).toISOString();
      const claimed = room > 0 ? await claimDueReplies(this.options.db, now.toISOString(), leaseUntil, room) : [];
      for (const id of claimed) this.launch(id, leaseUntil);
      attempted += claimed.length;
      if (this.inFlight.size === 0) break;
      // Look again when an attempt ends (room, or a retry now due) or a reply is stored, whichever comes first.
      const woken = new Promise<void>((resolve) => (this.nudge = resolve));
      await Promise.race([...this.inFlight, woken]);
      this.nudge = undefined;
    }
    await Promise.all(this.inFlight);
    return attempted;
  }

  private launch(id: string, leaseUntil: string): void {
    const attempt: Promise<void> = this.attempt(id, leaseUntil)
      .catch((error: unknown) => this.options.logger.error({ err: error, messageId: id }, 'digital reply attempt failed before its outcome was recorded: retried when its lease ends'))
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
  }

  private async attempt(id: string, leaseUntil: string): Promise<void> {
    const { db, logger, clock, maxAttempts } = this.options;
    const reply = await replyToSend(db, id);
    if (!reply) return;
    const answer = await this.options.box.send(reply);
    const attempts = reply.attempts + 1;
    const now = clock();
    const { status, error, waitMs } = nextStep(answer, attempts, maxAttempts, { baseDelayMs: this.options.baseDelayMs ?? 1_000, maxDelayMs: this.options.maxDelayMs ?? 5 * 60_000 });
    const nextAttemptAt = status === 'pending' ? new Date(now.getTime() + waitMs).toISOString() : null;
    if (!(await recordReplyAttempt(db, id, leaseUntil, { status, attempts, error, nextAttemptAt }))) {
      logger.warn({ messageId: id, attempts }, 'digital reply attempt outlived its lease: its outcome is not recorded');
      return;
    }
    const context = { messageId: id, interactionId: reply.interactionId, attempts };
    if (status === 'failed') logger.error({ ...context, error }, 'digital reply given up: not delivered');
    else if (status === 'pending') logger.warn({ ...context, error, retryInMs: waitMs }, 'digital reply not delivered yet: will retry');
    else logger.info({ ...context, status }, 'digital reply delivered to the integration box');
    this.tellCard({ interactionId: reply.interactionId, status, error }, context);
  }

  /** Queues the card's update: the next replies' POSTs do not wait for cards to be drawn. */
  private tellCard(change: { interactionId: string; status: DeliveryStatus; error: string | null }, context: Record<string, unknown>): void {
    this.cardsTold = this.cardsTold
      .then(() => this.options.onDeliveryChanged(change))
      .catch((thrown: unknown) => this.options.logger.error({ err: thrown, ...context }, 'the card could not be told of a reply delivery'));
  }
}

/** What an attempt's answer makes of the reply: its new status, why it failed, and when to try again. */
function nextStep(answer: BoxAnswer, attempts: number, maxAttempts: number, steps: { baseDelayMs: number; maxDelayMs: number }): { status: DeliveryStatus; error: string | null; waitMs: number } {
  if (answer.outcome === 'failed') return { status: 'failed', error: answer.error, waitMs: 0 };
  if (answer.outcome !== 'retry') return { status: answer.outcome, error: null, waitMs: 0 };
  if (attempts >= maxAttempts) return { status: 'failed', error: `${answer.error} (gave up after ${attempts} attempts)`, waitMs: 0 };
  return { status: 'pending', error: answer.error, waitMs: answer.retryAfterMs ?? backoffMs(attempts - 1, steps) };
}
