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

export type BotRequest =
  | { id: number; cmd: 'usage' }
  | { id: number; cmd: 'gc' }
  | { id: number; cmd: 'profile-start'; intervalUs: number }
  | { id: number; cmd: 'profile-stop'; file: string }
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
  const [{ loadConfig }, { createLogger }, { startProduct }] = await Promise.all([
    import('../src/config.js'),
    import('../src/log.js'),
    import('../src/product.js'),
  ]);
  imported = performance.now();
  const config = loadConfig();
  const product = await startProduct(config, createLogger(config.logLevel));
  port = product.port;
  stop = () => product.stop();
}
const ready: ReadyMessage = { type: 'ready', port, marks: { entry, imported, ready: performance.now() } };

let session: Session | undefined;
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
let gc: (() => void) | undefined;
let sqlCounts: Map<string, { count: number; ms: number; prepareMs: number }> | undefined;
let restorePrepare: (() => void) | undefined;

/**
 * Counts and times statements by wrapping better-sqlite3's Database.prototype.prepare (and the run/all/get
 * of what it returns), for a diagnostic window only (the profiled passes): the wrapper is installed on
 * request and removed after, never while measuring.
 */
async function countSql(on: boolean): Promise<SqlCount | { counting: true }> {
  const { default: Database } = await import('better-sqlite3');
  const proto = Database.prototype as unknown as { prepare: (this: unknown, sql: string) => Record<string, unknown> };
  if (on) {
    if (restorePrepare) restorePrepare();
    const original = proto.prepare;
    const counts = new Map<string, { count: number; ms: number; prepareMs: number }>();
    sqlCounts = counts;
    proto.prepare = function prepare(sql: string) {
      const started = performance.now();
      const statement = original.call(this, sql);
      let entry = counts.get(sql);
      if (!entry) counts.set(sql, (entry = { count: 0, ms: 0, prepareMs: 0 }));
      const prepared = performance.now() - started;
      entry.count++;
      entry.ms += prepared;
      entry.prepareMs += prepared;
      for (const method of ['all', 'run', 'get']) {
        const run = statement[method] as (...args: unknown[]) => unknown;
        statement[method] = function timed(this: unknown, ...args: unknown[]) {
          const t = performance.now();
          try {
            return run.apply(this, args);
          } finally {
            entry.ms += performance.now() - t;
          }
        };
      }
      return statement;
    };
    restorePrepare = () => {
      proto.prepare = original;
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
    top: [...counts]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 12)
      .map(([sql, e]) => ({ sql: sql.slice(0, 300), count: e.count, ms: round(e.ms), prepareMs: round(e.prepareMs) })),
  };
}

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
