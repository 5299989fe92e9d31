import type { Kysely } from 'kysely';

// What it takes to keep one Customer Card message current: where each agent's chat is (to update it
// outside a turn) and their Teams user id (to name them in the card's refresh, for their own view).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').addColumn('teams_user_id', 'text').execute();
  await db.schema
    .createTable('conversation_refs')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('conversation_refs').ifExists().execute();
  await db.schema.alterTable('agents').dropColumn('teams_user_id').execute();
}
