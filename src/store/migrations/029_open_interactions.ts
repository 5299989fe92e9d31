import { sql, type Kysely } from 'kysely';

// Open interactions are few among all those kept, and `state <> 'completed'` cannot narrow an ordinary index: an
// agent's open call (the one a hangup, a transfer or an ACD's ended event acts on) was found among every call the
// agent ever had (5,000 calls: about 1 ms on either database), and the supervisors' wallboard read every
// interaction stored. This partial index holds the open ones alone, by agent and start.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS interactions_open ON interactions (agent_id, started_at) WHERE state <> 'completed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS interactions_open`.execute(db);
}
