/**
 * The bot under test, in a process of its own: `node --import tsx bench/botProcess.ts product|echo`.
 * It starts the product exactly as src/index.ts does (loadConfig → createLogger → startProduct), or the
 * echo bot, then answers the bench runner's IPC requests about itself: CPU time and memory as this
 * process accounts them (process.cpuUsage, process.memoryUsage), a CPU profile of a window, a GC.
 * Nothing here changes how the bot handles a request.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

export type BotRequest =
  | { id: number; cmd: 'usage' }
  | { id: number; cmd: 'gc' }
  | { id: number; cmd: 'profile-start'; intervalUs: number }
  | { id: number; cmd: 'profile-stop'; file: string }
  | { id: number; cmd: 'profile-window'; file: string; delayMs: number; ms: number; intervalUs: number }
  | { id: number; cmd: 'sql-count-start' }
  | { id: number; cmd: 'sql-count-stop' }
  | { id: number; cmd: 'stop' };

export interface Usage {
  /** performance.now() of this process: ms since it started. */
  at: number;
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
}

/** The SQL statements prepared while counting (Kysely's SQLite driver prepares one per query it runs). */
export interface SqlCount {
  total: number;
  distinct: number;
  /** ms spent preparing and running statements, in all. */
  ms: number;
  /** The statements that took the most time (prepare + run), with how often they ran. */
  top: Array<{ sql: string; count: number; ms: number; prepareMs: number }>;
}

export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** ms since this process started: entered this module, had the app's modules loaded, was serving. */
  marks: { entry: number; imported: number; ready: number };
}

const entry = performance.now();
const which = process.argv[2] === 'echo' ? 'echo' : 'product';
let stop: () => Promise<void>;
let port: number;
let imported: number;

if (which === 'echo') {
  const { startEchoBot } = await import('./echoBot.js');
  imported = performance.now();
  const echo = await startEchoBot(Number(process.env.PORT ?? 0));
  port = echo.port;
  stop = echo.stop;
} else {
  const [{ loadConfig }, { createLogger }, { startProduct }] = await Promise.all([import('../src/config.js'), import('../src/log.js'), import('../src/product.js')]);
  imported = performance.now();
  const config = loadConfig();
  const product = await startProduct(config, createLogger(config.logLevel));
  port = product.port;
  stop = () => product.stop();
}
const ready: ReadyMessage = { type: 'ready', port, marks: { entry, imported, ready: performance.now() } };

let session: Session | undefined;
const post = <T>(method: string, params?: object) => new Promise<T>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
let gc: (() => void) | undefined;
let sqlCounts: Map<string, { count: number; ms: number; prepareMs: number }> | undefined;
let restorePrepare: (() => void) | undefined;

/**
 * Counts and times statements by wrapping better-sqlite3's Database.prototype.prepare and the run/all/get of
 * its Statement prototype, for a diagnostic window only (the profiled passes): the wrappers are installed on
 * request and removed after, never while measuring. Statements are counted where they run, since the
 * product prepares each SQL text once and keeps the statement.
 */
async function countSql(on: boolean): Promise<SqlCount | { counting: true }> {
  const { default: Database } = await import('better-sqlite3');
  const proto = Database.prototype as unknown as { prepare: (this: unknown, sql: string) => Record<string, unknown> };
  const scratch = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(scratch.prepare('select 1')) as Record<string, (this: { source: string }, ...args: unknown[]) => unknown>;
  scratch.close();
  if (on) {
    if (restorePrepare) restorePrepare();
    const counts = new Map<string, { count: number; ms: number; prepareMs: number }>();
    const entryOf = (sql: string) => {
      let entry = counts.get(sql);
      if (!entry) counts.set(sql, (entry = { count: 0, ms: 0, prepareMs: 0 }));
      return entry;
    };
    sqlCounts = counts;
    const original = proto.prepare;
    proto.prepare = function prepare(sql: string) {
      const started = performance.now();
      try {
        return original.call(this, sql);
      } finally {
        const entry = entryOf(sql);
        entry.ms += performance.now() - started;
        entry.prepareMs += performance.now() - started;
      }
    };
    const originals = Object.fromEntries(['all', 'run', 'get'].map((method) => [method, statementProto[method]!]));
    for (const [method, run] of Object.entries(originals)) {
      statementProto[method] = function timed(...args: unknown[]) {
        const started = performance.now();
        try {
          return run.apply(this, args);
        } finally {
          const entry = entryOf(this.source);
          entry.count++;
          entry.ms += performance.now() - started;
        }
      };
    }
    restorePrepare = () => {
      proto.prepare = original;
      Object.assign(statementProto, originals);
      restorePrepare = undefined;
    };
    return { counting: true };
  }
  restorePrepare?.();
  const counts = sqlCounts ?? new Map<string, { count: number; ms: number; prepareMs: number }>();
  sqlCounts = undefined;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    total: [...counts.values()].reduce((a, b) => a + b.count, 0),
    distinct: counts.size,
    ms: round([...counts.values()].reduce((a, b) => a + b.ms, 0)),
    top: [...counts].sort((a, b) => b[1].ms - a[1].ms).map(([sql, e]) => ({ sql: sql.slice(0, 300), count: e.count, ms: round(e.ms), prepareMs: round(e.prepareMs) })),
  };
}

/**
 * A CPU profile of this process's main thread over a window of time, taken from a worker thread: the
 * inspector serves a worker's session between the main thread's JavaScript (by interrupt), so the window
 * ends on time even when the main thread is too busy to read the bench's messages. The file appears
 * when the window is over.
 */
const PROFILE_WINDOW = `
const { Session } = require('node:inspector');
const { workerData } = require('node:worker_threads');
const { renameSync, writeFileSync } = require('node:fs');
const session = new Session();
session.connectToMainThread();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params || {}, (e, r) => (e ? reject(e) : resolve(r))));
// The inspector's answers do not keep a thread alive: this does, until the profile is written.
const keepAlive = setInterval(() => {}, 1000);
setTimeout(async () => {
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: workerData.intervalUs });
  await post('Profiler.start');
  setTimeout(async () => {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    writeFileSync(workerData.file + '.part', JSON.stringify(profile));
    renameSync(workerData.file + '.part', workerData.file);
    clearInterval(keepAlive);
  }, workerData.ms);
}, workerData.delayMs);
`;

async function handle(request: BotRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'usage':
      return { at: performance.now(), cpu: process.cpuUsage(), memory: process.memoryUsage() } satisfies Usage;
    case 'gc':
      if (!gc) {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc') as () => void;
      }
      gc();
      gc();
      return { at: performance.now(), cpu: process.cpuUsage(), memory: process.memoryUsage() } satisfies Usage;
    case 'profile-start':
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: request.intervalUs });
      await post('Profiler.start');
      return { started: true };
    case 'profile-stop': {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      session!.disconnect();
      session = undefined;
      writeFileSync(request.file, JSON.stringify(profile));
      return { file: request.file };
    }
    case 'profile-window': {
      const worker = new Worker(PROFILE_WINDOW, { eval: true, workerData: { file: request.file, delayMs: request.delayMs, ms: request.ms, intervalUs: request.intervalUs } });
      worker.unref();
      return { scheduled: true };
    }
    case 'sql-count-start':
      return countSql(true);
    case 'sql-count-stop':
      return countSql(false);
    case 'stop':
      await stop();
      setImmediate(() => process.exit(0));
      return { stopped: true };
  }
}

process.on('message', (request: BotRequest) => {
  handle(request).then(
    (result) => process.send?.({ type: 'reply', id: request.id, result }),
    (error: unknown) => process.send?.({ type: 'reply', id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.(ready);
