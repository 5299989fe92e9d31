import { PostgresAdapter, type Kysely } from 'kysely';

// Workforce rollups (issue 15): what a day's interval reports read instead of the raw logs (a busy site appends
// tens of millions of log rows a day). Kept up to date by deltas (wfmRollupRepository.ts): each entry adds what it
// changes, and takes back what it undoes. First inside each append; since 024, by a batched catch-up from the logs.
// - wfm_contact_facts: per contact, the first time of each step (and the answering agent, the offer's skill and
//   channel): what the contact counts as now, so a late step can take back its old contribution.
// - wfm_skill_interval_totals / wfm_skill_interval_waits: per (interval offered in, skill, channel), the counters
//   and sums of the skill report; the waits (whole seconds to answer, rounded up) give the service level for any
//   threshold.
// - wfm_agent_latest: each agent's latest state entry (the open span, added at read time).
//   wfm_agent_interval_states: per (interval, agent, state, reason code, '' for none), the milliseconds of closed
//   spans. wfm_agent_interval_contacts: per (interval answered in, agent), contacts and their handle time.
// Counters are bigint on PostgreSQL: a day's sums of milliseconds pass 2^31.
export async function up(db: Kysely<unknown>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';
  await db.schema
    .createTable('wfm_contact_facts')
    .addColumn('contact_key', 'text', (c) => c.primaryKey())
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('offered_at', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('acw_completed_at', 'text')
    .addColumn('abandoned_at', 'text')
    .execute();
  await db.schema
    .createTable('wfm_skill_interval_totals')
    .addColumn('interval_start', 'text', (c) => c.notNull())
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('offered', big, (c) => c.notNull())
    .addColumn('handled', big, (c) => c.notNull())
    .addColumn('abandoned', big, (c) => c.notNull())
    .addColumn('answer_ms', big, (c) => c.notNull())
    .addColumn('handle_ms', big, (c) => c.notNull())
    .addColumn('handle_count', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('wfm_skill_interval_totals_key', ['interval_start', 'skill', 'channel'])
    .execute();
  await db.schema
    .createTable('wfm_skill_interval_waits')
    .addColumn('interval_start', 'text', (c) => c.notNull())
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('wait_seconds', 'integer', (c) => c.notNull())
    .addColumn('answered', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('wfm_skill_interval_waits_key', ['interval_start', 'skill', 'channel', 'wait_seconds'])
    .execute();
  await db.schema
    .createTable('wfm_agent_latest')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('log_id', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .execute();
  await db.schema
    .createTable('wfm_agent_interval_states')
    .addColumn('interval_start', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('ms', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('wfm_agent_interval_states_key', ['interval_start', 'agent_id', 'state', 'reason_code'])
    .execute();
  await db.schema
    .createTable('wfm_agent_interval_contacts')
    .addColumn('interval_start', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('contacts', big, (c) => c.notNull())
    .addColumn('handle_ms', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('wfm_agent_interval_contacts_key', ['interval_start', 'agent_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['wfm_agent_interval_contacts', 'wfm_agent_interval_states', 'wfm_agent_latest', 'wfm_skill_interval_waits', 'wfm_skill_interval_totals', 'wfm_contact_facts']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
