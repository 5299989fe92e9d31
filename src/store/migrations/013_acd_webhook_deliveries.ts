import type { Kysely } from 'kysely';

// The generic ACD hears what agents do in Teams through a signed outbound webhook (issue 13). Each event is
// written here in the same transaction as the change it reports, then delivered by a worker: a restart
// loses none, and its id (the Idempotency-Key) stays the same across retries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acd_webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey()) // the event's id, sent as Idempotency-Key
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // the event as JSON, signed as sent
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivered | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('acd_webhook_deliveries_due').on('acd_webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('acd_webhook_deliveries_latest').on('acd_webhook_deliveries').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acd_webhook_deliveries').ifExists().execute();
}
