import { sql, type Kysely } from 'kysely';

// Workforce rollups brought up to date in batches (issue 12: a call turn's statements): a log append writes only
// its log row, and a catch-up (wfmRollupCatchUp.ts) applies the rows not yet rolled up, in id order. Each log's
// row here holds the last id rolled up, written in the same transaction as the rollups it moved, so a crash
// neither loses nor doubles a contribution. The rows already in the logs were rolled up by their appends (023).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wfm_rollup_cursor')
    .addColumn('log', 'text', (c) => c.primaryKey())
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into wfm_rollup_cursor (log, last_id)
    select 'agent_state_log', coalesce(max(id), 0) from agent_state_log
    union all select 'contact_log', coalesce(max(id), 0) from contact_log`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('wfm_rollup_cursor').ifExists().execute();
}
