import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { MIGRATION_NAMES, openStore, type StoreOptions } from '../../src/store/database.js';
import { onChosenStores, TEST_DATABASE_URL, type StoreBackendName } from '../support/stores.js';

const run = promisify(execFile);
const NOW = new Date('2026-11-22T10:00:00.000Z');

/**
 * Starts one instance (migrations, then the demo seed, as src/product.ts does). SQLite: in a process of its
 * own, as a second instance on the same file would be (better-sqlite3 waits for a lock synchronously, so two
 * connections in one process would wait for each other). Postgres: a pool of its own in this process, which
 * the server cannot tell from another process's.
 */
async function startInstance(options: StoreOptions): Promise<{ seeded: boolean }> {
  if (!options.databaseUrl) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/store/startOnce.ts', JSON.stringify(options), NOW.toISOString()], { timeout: 60_000 });
    return JSON.parse(stdout) as { seeded: boolean };
  }
  const store = await openStore(options);
  try {
    return { seeded: await seedDemoData(store.db, NOW) };
  } finally {
    await store.close();
  }
}

/**
 * A fresh database each time: an empty folder for SQLite; on Postgres a schema not created yet, or (`empty`)
 * created and empty, as the public schema of a new database is.
 */
const BACKENDS: Array<{ name: StoreBackendName; fresh(empty: boolean): Promise<{ options: StoreOptions; drop(): Promise<void> }> }> = [
  {
    name: 'sqlite',
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-startup-'));
      return { options: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async fresh(empty) {
      const pgSchema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-startup-'));
      const options = { databaseUrl: TEST_DATABASE_URL, dataDir, pgSchema };
      const admin = async (statement: string) => {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(statement).finally(() => client.end());
      };
      if (empty) await admin(`CREATE SCHEMA ${pgSchema}`);
      return {
        options,
        async drop() {
          await admin(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

describe.each(onChosenStores(BACKENDS))('two instances started at once on a fresh database ($name)', (backend) => {
  it('both start, 5 times out of 5, and the demo data is written once', async () => {
    for (let round = 0; round < 5; round++) {
      const { options, drop } = await backend.fresh(round % 2 === 1);
      try {
        const started = await Promise.all([startInstance(options), startInstance(options)]);
        expect(started.map((s) => s.seeded).sort()).toEqual([false, true]);

        const store = await openStore(options);
        try {
          const contoso = await store.db.selectFrom('crm_records').select('id').where('id', '=', DEMO.contoso.id).execute();
          expect(contoso).toHaveLength(1);
          const { count } = await store.db
            .selectFrom('crm_records')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .executeTakeFirstOrThrow();
          // The seed's own size: 10 named records (Peter Solo's three among them), 40 accounts, 320 contacts, 160 cases, 40 leads, 12 work orders.
          expect(Number(count)).toBe(10 + 40 + 320 + 160 + 40 + 12);
          const migrations = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(store.db);
          expect(Number(migrations.rows[0]!.n)).toBe(MIGRATION_NAMES.length);
        } finally {
          await store.close();
        }
      } finally {
        await drop();
      }
    }
  }, 180_000);
});
