import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { SourceMap } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildProduct, type ProductBuild } from '../../scripts/build.js';
import type { BotRequest, ReadyMessage, SqlCount, Usage } from '../botProcess.js';
import { sleep } from './stats.js';

export const REPO = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const BOT_ENTRY = `${REPO}/bench/botProcess.ts`;

/**
 * The production build (scripts/build.ts: what `npm run build` writes to dist/ and `npm run start:prod` runs)
 * of bench/botProcess.ts instead of src/index.ts: the same bundling, chunks and built tab, plus the IPC the
 * bench reads the process through. In a cache folder that git and ESLint leave alone.
 */
export const BUILD_DIR = `${REPO}/node_modules/.cache/customer-card-bench/build`;
let built: Promise<ProductBuild> | undefined;
/** Builds it, once per bench run. */
export function buildBot(): Promise<ProductBuild> {
  built ??= buildProduct({ entry: BOT_ENTRY, outdir: BUILD_DIR, name: 'botProcess', alsoAtStart: ['src/config.ts', 'src/log.ts', 'src/product.ts'] });
  return built;
}

/**
 * The runtime of the bots the scenarios start: the production build (`npm run build`, run as
 * `npm run start:prod` is), so the session's figures (memory, CPU per turn) and the echo floor are those of
 * a deployment; with BENCH_RUNTIME=tsx, as `npm start` runs them instead. The cold start scenario measures
 * both runtimes whatever this says.
 */
async function runtimeFor(spec: BotSpawn): Promise<BotSpawn['runtime']> {
  if (process.env.BENCH_RUNTIME === 'tsx' || spec.runtime.kind !== 'tsx') return spec.runtime;
  return { kind: 'bundle', file: (await buildBot()).file };
}

/**
 * Rewrites a CPU profile taken from a build so that each frame names the source file and line it was built
 * from (through the build's source maps), as in a profile taken under tsx: what bench/lib/profile.ts reads.
 */
export function mapProfileToSources(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ callFrame: { url: string; lineNumber: number; columnNumber: number } }> };
  const maps = new Map<string, SourceMap | undefined>();
  for (const { callFrame } of profile.nodes) {
    if (!callFrame.url.startsWith(pathToFileURL(BUILD_DIR).href) || callFrame.lineNumber < 0) continue;
    const path = fileURLToPath(callFrame.url);
    if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : undefined);
    const entry = maps.get(path)?.findEntry(callFrame.lineNumber, callFrame.columnNumber);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) continue;
    callFrame.url = entry.originalSource.startsWith('file:') ? entry.originalSource : pathToFileURL(resolve(dirname(path), entry.originalSource)).href;
    callFrame.lineNumber = entry.originalLine;
    callFrame.columnNumber = entry.originalColumn;
  }
  writeFileSync(file, JSON.stringify(profile));
}

export interface BotSpawn {
  app: 'product' | 'echo';
  /** tsx: `node --import tsx bench/botProcess.ts` (how `npm start` runs); bundle: node on a build of it (see buildBot). */
  runtime: { kind: 'tsx'; cache: boolean } | { kind: 'bundle'; file: string };
  port: number;
  dataDir?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Variables set after the cleanup below (the chaos run points its bots at a PostgreSQL database). */
  env?: Record<string, string>;
}

/** A port nobody listens on right now (loopback). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function childEnv(spec: BotSpawn): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    // The bot under test is configured here and nowhere else (no Teams app, no Postgres, no cloud CRM).
    if (/^(BOT_|SECRET_|DATABASE_URL|AAD_|TAB_|CRM_CONFIG_FILE|SUPERVISOR_IDS|CARD_MESSAGE_VIEW|NODE_OPTIONS)/.test(name)) delete env[name];
  }
  return {
    ...env,
    PORT: String(spec.port),
    LOG_LEVEL: 'silent',
    ACD_SIMULATOR: 'on',
    // As in Teams (and as the tests run it): the message holds the shared view and each card's refresh
    // gives its owner their own, which is what Teams asks for when it shows the card to them.
    CARD_MESSAGE_VIEW: 'shared',
    ...(spec.dataDir ? { DATA_DIR: spec.dataDir } : {}),
    ...(spec.runtime.kind === 'tsx' && !spec.runtime.cache ? { TSX_DISABLE_CACHE: '1' } : {}),
    ...spec.env,
  };
}

/** The bot under test, running in a process of its own; talks to it over IPC (see bench/botProcess.ts). */
export class BotChild {
  readonly process: ChildProcess;
  readonly spawnedAt: number;
  ready: ReadyMessage | undefined;
  private readonly readyPromise: Promise<ReadyMessage>;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private next = 0;
  private stderr = '';
  private exited: Promise<number | null>;

  constructor(readonly spec: BotSpawn) {
    const args = [...(spec.nodeArgs ?? [])];
    if (spec.runtime.kind === 'tsx') args.push('--import', 'tsx', BOT_ENTRY, spec.app);
    else args.push(spec.runtime.file, spec.app);
    this.spawnedAt = performance.now();
    this.process = spawn(process.execPath, args, { cwd: REPO, env: childEnv(spec), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    this.readyPromise = new Promise((resolve, reject) => {
      this.process.on('message', (message: { type: string; id?: number; result?: unknown; error?: string }) => {
        if (message.type === 'ready') {
          this.ready = message as unknown as ReadyMessage;
          resolve(this.ready);
        } else if (message.type === 'reply' && message.id !== undefined) {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(message.error));
          else waiter?.resolve(message.result);
        }
      });
      void this.exited.then((code) => {
        const error = new Error(`bot process (${spec.app}) exited with ${code}: ${this.stderr.trim().split('\n').slice(-8).join('\n')}`);
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
    });
    this.readyPromise.catch(() => undefined);
  }

  static async start(spec: BotSpawn, timeoutMs = 60_000): Promise<BotChild> {
    const child = new BotChild({ ...spec, runtime: await runtimeFor(spec) });
    await Promise.race([
      child.readyPromise,
      sleep(timeoutMs).then(() => {
        throw new Error(`bot process (${spec.app}) not ready after ${timeoutMs} ms`);
      }),
    ]);
    return child;
  }

  whenReady(): Promise<ReadyMessage> {
    return this.readyPromise;
  }

  /**
   * One IPC request. The bot answers between its own tasks, so a bot whose event loop is held by a long
   * run of work answers late: after `timeoutMs` the request fails instead of holding the bench.
   */
  request<T>(request: Omit<BotRequest, 'id'> & Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bot process did not answer "${String(request.cmd)}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          (resolve as (value: unknown) => void)(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ ...request, id });
    });
  }

  /** Ends the process at once (SIGKILL), for a bot too busy to answer. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }

  usage(timeoutMs?: number): Promise<Usage> {
    return this.request<Usage>({ cmd: 'usage' }, timeoutMs);
  }

  /** Usage after a full garbage collection. */
  collected(): Promise<Usage> {
    return this.request<Usage>({ cmd: 'gc' });
  }

  async profile<T>(file: string, during: () => Promise<T>, intervalUs = 250): Promise<T> {
    await this.request({ cmd: 'profile-start', intervalUs });
    try {
      return await during();
    } finally {
      await this.request({ cmd: 'profile-stop', file });
      if (this.spec.runtime.kind === 'bundle') mapProfileToSources(file);
    }
  }

  /**
   * Schedules a CPU profile of the window [now + delayMs, now + delayMs + ms], taken by a worker thread of
   * the bot (see PROFILE_WINDOW in botProcess.ts); resolves with the file once it is written.
   */
  async profileWindow(file: string, delayMs: number, ms: number, intervalUs = 1000): Promise<string | undefined> {
    rmSync(file, { force: true });
    await this.request({ cmd: 'profile-window', file, delayMs, ms, intervalUs });
    const deadline = performance.now() + delayMs + ms + 60_000;
    while (performance.now() < deadline) {
      await sleep(200);
      if (existsSync(file)) {
        // Written aside, then renamed: complete once it is there.
        if (this.spec.runtime.kind === 'bundle') mapProfileToSources(file);
        return file;
      }
    }
    return undefined;
  }

  /** A CPU profile of `during` and the SQL statements it ran: the diagnostic pass of a scenario. */
  async diagnose<T>(file: string, during: () => Promise<T>): Promise<{ value: T; sql: SqlCount }> {
    await this.request({ cmd: 'sql-count-start' });
    let sql: SqlCount | undefined;
    try {
      const value = await this.profile(file, during);
      sql = await this.request<SqlCount>({ cmd: 'sql-count-stop' });
      return { value, sql };
    } finally {
      if (!sql) await this.request({ cmd: 'sql-count-stop' }).catch(() => undefined);
    }
  }

  /** Asks the process to stop (the product closes its server, worker and store) and waits; kills it after 10 s. */
  async stop(): Promise<number | null> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.process.exitCode;
    await this.request({ cmd: 'stop' }, 10_000).catch(() => undefined);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** GET /healthz once: its status, or 0 when nothing answers yet. */
export function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** Polls /healthz every `everyMs` until it answers 200; returns performance.now() of that answer. */
export async function untilHealthy(port: number, child: BotChild, everyMs = 2, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child.process.exitCode !== null) await child.whenReady();
    if ((await healthz(port)) === 200) return performance.now();
    if (performance.now() - started > timeoutMs) throw new Error(`no /healthz 200 after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
