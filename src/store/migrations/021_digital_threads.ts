import type { Kysely } from 'kysely';

// Round robin of digital threads (issue 14): per skill ('' for threads with none), the agent who got the last
// thread, so the next goes to the agent after them, across restarts and across instances on one database.
// An interaction's agents for digital work are found by (agent_id, channel, state): indexed here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('digital_routing_cursors')
    .addColumn('skill', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('interactions_agent_channel_state').on('interactions').columns(['agent_id', 'channel', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('interactions_agent_channel_state').ifExists().execute();
  await db.schema.dropTable('digital_routing_cursors').ifExists().execute();
}
