import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Ids of the tables that grow with every contact are 64-bit on PostgreSQL. A 32-bit identity ends at 2,147,483,647:
// issue 15's bench day (500 agents, 200 contacts a second) appends about 72 million log rows and 34 million jobs, so
// the logs would run out in about a month of such days. The identity's sequence is widened with its column.
// SQLite's integer keys are 64-bit already. pg gives int8 values as text: database.ts reads them as numbers.
const WIDENED: ReadonlyArray<[table: string, column: string]> = [
  ['agent_state_log', 'id'],
  ['contact_log', 'id'],
  ['jobs', 'id'],
  ['wfm_agent_latest', 'log_id'],
  ['wfm_rollup_cursor', 'last_id'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of WIDENED) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type bigint`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of WIDENED) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type integer`.execute(db);
}
