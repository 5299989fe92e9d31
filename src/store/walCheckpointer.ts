import { statSync } from 'node:fs';
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
  /** waiting: for the log to grow; running: the worker checkpoints; failed: the worker ended, the connection checkpoints. */
  state(): 'waiting' | 'running' | 'failed';
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  intervalMs?: number;
  fallbackPages?: number;
  startAfterBytes?: number;
}

const DEFAULT_INTERVAL_MS = 100;
/** How often the log's size is looked at until the worker starts, and the size that starts it (256 pages). */
const WATCH_MS = 1_000;
const DEFAULT_START_AFTER_BYTES = 1_048_576;
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

/**
 * Checkpoints the WAL of `sqlite` (a file database in WAL mode) on a worker thread, started once the log file has
 * reached `startAfterBytes` (looked at every second): a thread costs about 70 ms of CPU to start, which a demo or
 * a test that writes little never needs. Until then SQLite checkpoints as it always does.
 */
export function startWalCheckpointer(sqlite: BetterSqliteDatabase, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const startAfterBytes = options.startAfterBytes ?? DEFAULT_START_AFTER_BYTES;
  let worker: Worker | undefined;
  let failed = false;
  let stopping = false;
  const start = () => {
    worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: sqlite.name, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS },
    });
    // Never what keeps the process alive: it has nothing left to do once the product is gone.
    worker.unref();
    sqlite.pragma(`wal_autocheckpoint = ${options.fallbackPages ?? DEFAULT_FALLBACK_PAGES}`);
    const checkpointHere = () => {
      if (stopping) return;
      failed = true;
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    };
    worker.on('error', checkpointHere);
    worker.on('exit', checkpointHere);
  };
  const logBytes = () => {
    try {
      return statSync(`${sqlite.name}-wal`).size;
    } catch {
      return 0; // no log yet
    }
  };
  const watch = setInterval(() => {
    if (stopping || logBytes() < startAfterBytes) return;
    clearInterval(watch);
    try {
      start();
    } catch {
      failed = true; // no thread to be had: SQLite keeps checkpointing on commit, as it did
    }
  }, WATCH_MS);
  watch.unref();
  return {
    state: () => (failed ? 'failed' : worker ? 'running' : 'waiting'),
    async stop() {
      stopping = true;
      clearInterval(watch);
      await worker?.terminate();
    },
  };
}
