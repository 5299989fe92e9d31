import type { Kysely } from 'kysely';

// TaskRouter's outbound calls (Task completed, Worker activity) go through the same outbox as the generic
// webhook's events (issue 13): written in the change's transaction, delivered by a worker, seen by an admin.
// `target` says which worker delivers a row; `subject` names what a row updates (a Worker), so a newer
// update supersedes an older one still pending: a retried old activity never lands after a newer one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('acd_webhook_deliveries')
    .addColumn('target', 'text', (c) => c.notNull().defaultTo('webhook'))
    .execute();
  await db.schema.alterTable('acd_webhook_deliveries').addColumn('subject', 'text').execute();
  await db.schema.createIndex('acd_outbound_due').on('acd_webhook_deliveries').columns(['target', 'status', 'next_attempt_at']).execute();
  await db.schema.createIndex('acd_outbound_subject').on('acd_webhook_deliveries').columns(['subject', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('acd_outbound_subject').ifExists().execute();
  await db.schema.dropIndex('acd_outbound_due').ifExists().execute();
  await db.schema.alterTable('acd_webhook_deliveries').dropColumn('subject').execute();
  await db.schema.alterTable('acd_webhook_deliveries').dropColumn('target').execute();
}
