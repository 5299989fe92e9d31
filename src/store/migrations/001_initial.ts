import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Written with Kysely's schema builder so that one migration serves SQLite and Postgres alike.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('state_since', 'text', (c) => c.notNull())
    .addColumn('current_interaction_id', 'text')
    .execute();

  await db.schema
    .createTable('interactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ani', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('configuration_id', 'text', (c) => c.notNull())
    .addColumn('match_state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('disposition', 'text')
    .addColumn('notes', 'text')
    .addColumn('card_activity_id', 'text')
    .execute();
  await db.schema.createIndex('interactions_by_agent').on('interactions').columns(['agent_id', 'started_at']).execute();

  await db.schema
    .createTable('interaction_records')
    .addColumn('interaction_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('linked', 'integer', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('interaction_records_pk', ['interaction_id', 'record_type', 'record_id'])
    .execute();
  await db.schema.createIndex('interaction_records_by_record').on('interaction_records').columns(['record_type', 'record_id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => (db.getExecutor().adapter instanceof PostgresAdapter ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['status', 'run_after']).execute();

  await db.schema
    .createTable('crm_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('crm_records_by_type_name').on('crm_records').columns(['type', 'name_lower']).execute();

  await db.schema
    .createTable('crm_record_keys')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_record_keys_pk', ['kind', 'value', 'record_id'])
    .execute();
  await db.schema.createIndex('crm_record_keys_by_record').on('crm_record_keys').column('record_id').execute();
  // An activity key names exactly one activity: the database itself refuses a second timeline write.
  await sql`CREATE UNIQUE INDEX crm_activity_key_once ON crm_record_keys (value) WHERE kind = 'activity'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['crm_record_keys', 'crm_records', 'jobs', 'interaction_records', 'interactions', 'agents']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
