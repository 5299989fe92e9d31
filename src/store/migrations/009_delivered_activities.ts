import type { Kysely } from 'kysely';

// Teams re-sends an activity it got no answer to in time, with the same id: each delivery is claimed here
// before it is acted on, so the same activity acts once. Rows expire (expires_at) and are swept by it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivered_activities')
    .addColumn('delivery_key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivered_activities_by_expiry').on('delivered_activities').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivered_activities').ifExists().execute();
}
