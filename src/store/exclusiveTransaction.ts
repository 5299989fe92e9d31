import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `work` in one transaction that no other instance's exclusive transaction of the same name runs
 * alongside, on this database: the start-up's migrations and demo seed, which check what is there and then
 * write, and which several instances started at once would otherwise both write.
 *
 * Postgres: a transaction-level advisory lock named after `name` (released by COMMIT or ROLLBACK, so also
 * when the process dies). SQLite: BEGIN IMMEDIATE, which takes the database's write lock at once, before the
 * first read. `work` gets the connection the transaction is on, a plain Kysely instance (the migrator needs
 * one), and must neither start a transaction of its own nor use another connection.
 */
export async function inExclusiveTransaction<T>(db: Kysely<Database>, name: string, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  return db.connection().execute(async (connection) => {
    await (sqlite ? sql`begin immediate` : sql`begin`).execute(connection);
    try {
      // hashtext: advisory locks take a number; the name keeps two purposes (and two schemas) apart.
      if (!sqlite) await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(connection);
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}
