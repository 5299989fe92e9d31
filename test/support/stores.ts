import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.js';

/** The Postgres every machine here has (CI too); override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** Options to start the product on this same database. */
  productOptions: { databaseUrl?: string; dataDir: string; pgSchema?: string };
  dispose(): Promise<void>;
}

/**
 * One factory per storage backend. Suites run `describe.each(STORE_BACKENDS)` so that every backend is
 * held to the same expectations, with no per-backend branch in the suite.
 */
export const STORE_BACKENDS: ReadonlyArray<{ name: 'sqlite' | 'postgres'; open(): Promise<TestStore> }> = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-test-'));
      const store = await openStore({ dataDir });
      return {
        ...store,
        productOptions: { dataDir },
        async dispose() {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      // A schema per store keeps parallel test files apart in the one shared database.
      const pgSchema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-test-'));
      const store = await openStore({ databaseUrl: TEST_DATABASE_URL, dataDir, pgSchema }).catch(async (error: unknown) => {
        // A failed open may have created the schema already: leave nothing behind in the shared database.
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).finally(() => client.end());
        throw error;
      });
      return {
        ...store,
        productOptions: { databaseUrl: TEST_DATABASE_URL, dataDir, pgSchema },
        async dispose() {
          await sql.raw(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).execute(store.db);
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];
