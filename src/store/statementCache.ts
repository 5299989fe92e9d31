import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * better-sqlite3 behind Kysely with its prepared statements kept: Kysely's SQLite driver prepares every
 * query anew, and compiling the SQL was a fifth of a lookup's time (bench: ANI lookup, call → card).
 * The same SQL text gets the same statement; the least recently used are dropped past `size`.
 */
export function withStatementCache(sqlite: BetterSqliteDatabase, size = 500): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // re-inserted below: the Map's order is the recency order
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
