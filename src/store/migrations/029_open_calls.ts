import { sql, type Kysely } from 'kysely';

// An agent's open call (the one a hangup, a transfer or an ACD's ended event acts on) was found among every
// voice interaction the agent ever had: `state <> 'completed'` cannot narrow an index, so the read grew with
// the agent's history (5,000 calls: about 1 ms on either database). The partial index holds open calls alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS interactions_open_calls ON interactions (agent_id, started_at) WHERE channel = 'voice' AND state <> 'completed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS interactions_open_calls`.execute(db);
}
