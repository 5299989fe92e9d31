import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { startWalCheckpointer } from '../../src/store/walCheckpointer.js';
import { waitFor } from '../support/waitFor.js';

/** The product's SQLite store checkpoints its write-ahead log on a worker thread (walCheckpointer.ts). */
describe('WAL checkpoints off the bot thread', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function productStore(): Promise<{ store: Store; file: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-wal-'));
    const store = await openStore({ dataDir, checkpointInBackground: true });
    cleanups.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => store.close(),
    );
    return { store, file: join(dataDir, 'customer-card.sqlite') };
  }

  it('once the log has grown, copies what was committed into the database file from its own thread, the connection then waiting for 10,000 pages', async () => {
    const { store, file } = await productStore();
    const autocheckpoint = async () => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]!.wal_autocheckpoint;
    // No thread while the log is small (a demo, a test): SQLite's own checkpoints.
    expect(await autocheckpoint()).toBe(1_000);
    const before = statSync(file).size;
    await sql`create table filler (bytes blob not null)`.execute(store.db);
    // 3 MB in 30 commits: under the 1,000 pages (4 MB) at which SQLite itself would checkpoint on commit.
    for (let i = 0; i < 30; i++) {
      await store.db.transaction().execute(async (trx) => {
        for (let j = 0; j < 10; j++) await sql`insert into filler (bytes) values (randomblob(10000))`.execute(trx);
      });
    }
    await waitFor('the database file to hold the committed pages', () => statSync(file).size >= before + 3_000_000, 5_000);
    expect(await autocheckpoint()).toBe(10_000);
  });

  it("checkpoints on the connection's commits again, as SQLite does by default, once its worker has failed", async () => {
    // A connection whose file is gone from its folder: the worker cannot open it and ends with an error.
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-wal-'));
    const sqlite = new Database(join(dataDir, 'gone.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    rmSync(dataDir, { recursive: true, force: true });
    cleanups.push(() => void sqlite.close());
    const checkpointer = startWalCheckpointer(sqlite, { startAfterBytes: 0 });
    cleanups.push(() => checkpointer.stop());
    expect(checkpointer.state()).toBe('waiting');
    await waitFor('the worker to fail', () => checkpointer.state() === 'failed', 5_000);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  });

  it('leaves checkpoints to SQLite where not asked (a store opened by a script or a test)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-wal-'));
    const store = await openStore({ dataDir });
    cleanups.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => store.close(),
    );
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]!.wal_autocheckpoint).toBe(1_000);
  });
});
