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

export type StoreBackendName = 'sqlite' | 'postgres';

export interface StoreBackend {
  name: StoreBackendName;
  open(): Promise<TestStore>;
}

/** One factory per storage backend. */
const ALL_BACKENDS: readonly StoreBackend[] = [
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

/**
 * The one switch: TEST_STORES=sqlite,postgres (the default), or one of them for a quicker local run. A name
 * it does not know stops the run rather than testing nothing.
 */
function chosenBackendNames(value = 'sqlite,postgres'): ReadonlySet<StoreBackendName> {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !ALL_BACKENDS.some((backend) => backend.name === name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`TEST_STORES=${JSON.stringify(value)}: expected a comma-separated list of ${ALL_BACKENDS.map((backend) => backend.name).join(', ')}`);
  }
  return new Set(names as StoreBackendName[]);
}

const CHOSEN = chosenBackendNames(process.env.TEST_STORES);

/** Keeps the backends TEST_STORES chose, for a suite with backend factories of its own (a fresh, empty database). */
export function onChosenStores<T extends { name: StoreBackendName }>(backends: readonly T[]): T[] {
  return backends.filter((backend) => CHOSEN.has(backend.name));
}

/**
 * The backends this run tests storage on. Suites run `describe.each(STORE_BACKENDS)` so that every backend is
 * held to the same expectations, with no per-backend branch in the suite.
 */
export const STORE_BACKENDS: readonly StoreBackend[] = onChosenStores(ALL_BACKENDS);

/** For suites whose subject is not storage (the HTTP edge, the CRM contract, accessibility): one store, the cheapest. */
export const SQLITE_STORE: StoreBackend = ALL_BACKENDS.find((backend) => backend.name === 'sqlite')!;

/** The configuration that starts the product on this same database (with `{ pgSchema }` to startProduct). */
export function productEnv(store: TestStore): { DATA_DIR: string; DATABASE_URL?: string } {
  const { dataDir, databaseUrl } = store.productOptions;
  return { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
}
