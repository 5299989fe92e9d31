import type { Kysely, Transaction } from 'kysely';
import type { AcdWebhookDeliveriesTable, Database } from './schema.js';

/** One row of the ACD outbox: an event for the generic webhook, or a call to TaskRouter's API. */
export type WebhookDelivery = AcdWebhookDeliveriesTable;
export type OutboxTarget = WebhookDelivery['target'];

/**
 * Queues a delivery; an id already queued is kept as it is (a repeated change sends once). With a subject,
 * the subject's older pending rows are superseded in the same statement's transaction: only the latest
 * update of a Worker is sent, so a retried old one never lands after a newer one.
 */
export async function enqueueWebhookEvent(
  db: Kysely<Database> | Transaction<Database>,
  event: { id: string; type: string },
  now: string,
  options: { target?: OutboxTarget; subject?: string } = {},
): Promise<void> {
  if (options.subject) {
    await db.updateTable('acd_webhook_deliveries').set({ status: 'superseded', updated_at: now }).where('subject', '=', options.subject).where('status', '=', 'pending').execute();
  }
  await db
    .insertInto('acd_webhook_deliveries')
    .values({
      id: event.id,
      target: options.target ?? 'webhook',
      subject: options.subject ?? null,
      type: event.type,
      body: JSON.stringify(event),
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** A target's pending deliveries due by `now`, oldest first. */
export async function dueWebhookDeliveries(db: Kysely<Database>, now: string, limit: number, target: OutboxTarget = 'webhook'): Promise<WebhookDelivery[]> {
  return db
    .selectFrom('acd_webhook_deliveries')
    .selectAll()
    .where('target', '=', target)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/**
 * Claims a due delivery for one attempt by moving its next attempt to `leaseUntil`, only if no one else has
 * since (another instance, or an earlier pass): a delivery is attempted by one worker at a time.
 */
export async function claimWebhookDelivery(db: Kysely<Database>, delivery: WebhookDelivery, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('acd_webhook_deliveries')
    .set({ next_attempt_at: leaseUntil })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', delivery.next_attempt_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records an attempt's outcome. A row superseded while it was being attempted shows `delivered` if it was
 * (it was sent), else stays superseded: it is not tried again, the newer row says what is true now.
 */
export async function recordWebhookAttempt(
  db: Kysely<Database>,
  id: string,
  outcome: { status: WebhookDelivery['status']; attempts: number; statusCode: number | null; error: string | null; nextAttemptAt: string; now: string },
): Promise<void> {
  const { attempts, statusCode, error, nextAttemptAt, now } = outcome;
  const fields = { attempts, last_status_code: statusCode, last_error: error, next_attempt_at: nextAttemptAt, updated_at: now };
  const keepSuperseded = outcome.status !== 'delivered';
  await db
    .updateTable('acd_webhook_deliveries')
    .set({ ...fields, status: outcome.status })
    .where('id', '=', id)
    .$if(keepSuperseded, (qb) => qb.where('status', '!=', 'superseded'))
    .execute();
  if (keepSuperseded) await db.updateTable('acd_webhook_deliveries').set(fields).where('id', '=', id).where('status', '=', 'superseded').execute();
}

/** The latest deliveries, newest first: what an admin sees. */
export async function latestWebhookDeliveries(db: Kysely<Database>, limit: number): Promise<WebhookDelivery[]> {
  return db.selectFrom('acd_webhook_deliveries').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
