import { sql, type Kysely } from 'kysely';

// An agent's waiting contacts (offered while they were busy) were found by reading every contact the agent ever
// had and looking each one up among the interactions: a read that grew with the agent's history (5,000 contacts:
// 1.8 ms on SQLite, 11 ms on PostgreSQL), once per contact done. `placed` is 1 once an interaction handles the
// contact (written with that interaction); the partial index holds only the contacts still waiting.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('acd_contacts')
    .addColumn('placed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE acd_contacts SET placed = 1 WHERE EXISTS (SELECT 1 FROM interactions WHERE interactions.acd_contact_id = acd_contacts.contact_id)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS acd_contacts_waiting ON acd_contacts (agent_id, agent_at) WHERE placed = 0 AND phase <> 'abandoned'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS acd_contacts_waiting`.execute(db);
  await db.schema.alterTable('acd_contacts').dropColumn('placed').execute();
}
