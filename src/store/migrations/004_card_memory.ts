import { sql, type Kysely } from 'kysely';

// What the card remembers between views: the outcome of the agent's last action (so a result that
// arrives after the click still shows), and the latest activities of each record on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interactions').addColumn('last_notice', 'text').execute();
  await db.schema
    .alterTable('interaction_records')
    .addColumn('activities', 'text', (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interaction_records').dropColumn('activities').execute();
  await db.schema.alterTable('interactions').dropColumn('last_notice').execute();
}
