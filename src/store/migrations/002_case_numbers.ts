import { sql, type Kysely } from 'kysely';

// Case numbers come from a counter row (taken under a row lock, so concurrent creates never share one),
// and the database refuses a second case with a number already used.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('crm_sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO crm_sequences (name, value) VALUES ('case', 1000)`.execute(db);
  await sql`CREATE UNIQUE INDEX crm_case_number_once ON crm_record_keys (value) WHERE kind = 'number'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS crm_case_number_once`.execute(db);
  await db.schema.dropTable('crm_sequences').ifExists().execute();
}
