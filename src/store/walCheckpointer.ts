import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';

/**
 * WAL checkpoints on a thread of their own. SQLite copies the write-ahead log back into the database file
 * (a checkpoint) in the connection that commits past `wal_autocheckpoint` pages, and waits for the disk
 * there: 6 to 7 ms every 40 commits or so of a call, during which the bot's one thread answers nothing
 * (measured on this machine: two thirds of it waiting on fsync). Here a worker thread with its own connection
 * checkpoints every `intervalMs` instead (PASSIVE: it never blocks a writer or a reader), and the product's
 * connection only checkpoints itself once the log holds `fallbackPages`: if the worker falls behind or stops,
 * the log stays bounded as before, only larger.
 */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  intervalMs?: number;
  fallbackPages?: number;
}

const DEFAULT_INTERVAL_MS = 100;
/** SQLite's own `wal_autocheckpoint`: the product's connection checkpoints as often as that once the worker is gone. */
const SQLITE_DEFAULT_PAGES = 1_000;
/** 40 MB of 4 KB pages: well past what the worker leaves between two checkpoints. */
const DEFAULT_FALLBACK_PAGES = 10_000;

// Plain JavaScript run as the worker's code: nothing of the product's to load, so it runs alike from tsx and
// the bundled build. Errors end the worker; the product's connection then checkpoints on its own again.
const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
`;

/** Starts checkpointing the WAL of `sqlite` (a file database in WAL mode) on a worker thread. */
export function startWalCheckpointer(sqlite: BetterSqliteDatabase, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const fallbackPages = options.fallbackPages ?? DEFAULT_FALLBACK_PAGES;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, file: sqlite.name, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS } });
  // Never what keeps the process alive: it has nothing left to do once the product is gone.
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${fallbackPages}`);
  let stopping = false;
  const checkpointHere = () => {
    if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
  };
  worker.on('error', checkpointHere);
  worker.on('exit', checkpointHere);
  return {
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
