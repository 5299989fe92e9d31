import type { Kysely, Transaction } from 'kysely';
import type { AcdWebhookDeliveriesTable, Database } from './schema.js';

export type WebhookDelivery = AcdWebhookDeliveriesTable;

/** Queues an event for the webhook; an id already queued is kept as it is (a repeated change sends once). */
export async function enqueueWebhookEvent(db: Kysely<Database> | Transaction<Database>, event: { id: string; type: string }, now: string): Promise<void> {
  await db
    .insertInto('acd_webhook_deliveries')
    .values({ id: event.id, type: event.type, body: JSON.stringify(event), status: 'pending', attempts: 0, last_status_code: null, last_error: null, next_attempt_at: now, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Pending deliveries due by `now`, oldest first. */
export async function dueWebhookDeliveries(db: Kysely<Database>, now: string, limit: number): Promise<WebhookDelivery[]> {
  return db.selectFrom('acd_webhook_deliveries').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').orderBy('created_at').limit(limit).execute();
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

export async function recordWebhookAttempt(
  db: Kysely<Database>,
  id: string,
  outcome: { status: WebhookDelivery['status']; attempts: number; statusCode: number | null; error: string | null; nextAttemptAt: string; now: string },
): Promise<void> {
  await db
    .updateTable('acd_webhook_deliveries')
    .set({ status: outcome.status, attempts: outcome.attempts, last_status_code: outcome.statusCode, last_error: outcome.error, next_attempt_at: outcome.nextAttemptAt, updated_at: outcome.now })
    .where('id', '=', id)
    .execute();
}

/** The latest deliveries, newest first: what an admin sees. */
export async function latestWebhookDeliveries(db: Kysely<Database>, limit: number): Promise<WebhookDelivery[]> {
  return db.selectFrom('acd_webhook_deliveries').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
