import { sql, type Kysely } from 'kysely';

// The supervisors' wallboard read every ACD contact the center ever had to count those still offered (its open
// interactions are read through the index of migration 029). The contacts still offered get an index of their own.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS acd_contacts_offered ON acd_contacts (phase_at) WHERE phase = 'offered'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS acd_contacts_offered`.execute(db);
}
