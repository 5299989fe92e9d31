import { PostgresAdapter, type Kysely } from 'kysely';

// Workforce data (issue 15). Two append-only logs, never updated or deleted by the app:
// - agent_state_log: every state an agent entered, when, why (reason code), on which interaction, said by whom.
//   A state lasts until the agent's next entry by time, so a late ACD event slots in where it belongs.
// - contact_log: every step of every contact (offered, answered, ended, ACW completed, abandoned, transferred),
//   at the time the source gave, with its skill and channel: the 15-minute interval reports are computed from it.
// An entry that came from an ACD event carries the event's key (unique): an event retried is recorded once.
// Besides: the WFM systems' API keys (hashed), the published schedules, and the adherence alerts already sent.
export async function up(db: Kysely<unknown>): Promise<void> {
  const serial = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('agent_state_log')
    .addColumn('id', 'integer', (c) => (serial ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('interaction_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.unique())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_state_log_agent_time').on('agent_state_log').columns(['agent_id', 'started_at']).execute();
  await db.schema.createIndex('agent_state_log_time').on('agent_state_log').columns(['started_at']).execute();
  await db.schema
    .createTable('contact_log')
    .addColumn('id', 'integer', (c) => (serial ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('contact_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('skill', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.unique())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_log_time').on('contact_log').columns(['at']).execute();
  await db.schema.createIndex('contact_log_contact').on('contact_log').columns(['contact_key', 'at']).execute();
  await db.schema
    .createTable('wfm_api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consumer', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('wfm_schedules')
    .addColumn('id', 'integer', (c) => (serial ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wfm_schedules_agent_time').on('wfm_schedules').columns(['agent_id', 'start_at']).execute();
  await db.schema
    .createTable('wfm_alerts')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('episode_started_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('wfm_alerts_episode', ['agent_id', 'kind', 'episode_started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['wfm_alerts', 'wfm_schedules', 'wfm_api_keys', 'contact_log', 'agent_state_log']) await db.schema.dropTable(table).ifExists().execute();
}
