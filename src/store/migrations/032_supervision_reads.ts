import { sql, type Kysely } from 'kysely';

// The supervisors' wallboard read every interaction and every ACD contact the center ever had to find the open
// ones: the records of open interactions took 30 ms on SQLite with 50,000 interactions stored (a day of a large
// center), and grew with every day kept. Open interactions by start, and ACD contacts still offered, each get an
// index of their own rows alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS interactions_open ON interactions (started_at) WHERE state <> 'completed'`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS acd_contacts_offered ON acd_contacts (phase_at) WHERE phase = 'offered'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS acd_contacts_offered`.execute(db);
  await sql`DROP INDEX IF EXISTS interactions_open`.execute(db);
}
