import type { Kysely, KyselyPlugin } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * `db` as seen through a plugin that notes each statement sent through it (its operation: SelectQueryNode,
 * InsertQueryNode…): how many statements a piece of the product runs, on either backend.
 */
export function countingStatements(db: Kysely<Database>): { db: Kysely<Database>; statements: () => string[] } {
  const sent: string[] = [];
  const counter: KyselyPlugin = {
    transformQuery: ({ node }) => (sent.push(node.kind), node),
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(counter), statements: () => [...sent] };
}
