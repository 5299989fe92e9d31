import { CompiledQuery, type Kysely, type KyselyPlugin } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import type { TestStore } from './stores.js';

/**
 * The plans the database chooses for the statements `run` sends through the Kysely it is given, as text (EXPLAIN
 * QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), one after the other: the SQL is the product's own, compiled for
 * this database. A prepared query (preparedQuery.ts) is compiled with stand-ins for its values: `standIns` are the
 * values they stand for, in the order they appear in the SQL.
 */
export async function planOf(store: TestStore, run: (db: Kysely<Database>) => Promise<unknown>, standIns: readonly unknown[] = []): Promise<string> {
  const compiled: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      compiled.push(store.db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  await run(store.db.withPlugin(recorder));
  if (compiled.length === 0) throw new Error('no statement was sent');
  let next = 0;
  const explain = store.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const plans: string[] = [];
  for (const { sql, parameters } of compiled) {
    const values = parameters.map((p) => (typeof p === 'object' && p !== null ? standIns[next++] : p));
    const rows = (await store.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(explain + sql, values))).rows;
    plans.push(rows.map((row) => Object.values(row).join(' ')).join('\n'));
  }
  return plans.join('\n\n');
}
