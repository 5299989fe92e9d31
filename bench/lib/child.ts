import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import type { BotRequest, ReadyMessage, SqlCount, Usage } from '../botProcess.js';
import { sleep } from './stats.js';

export const REPO = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const BOT_ENTRY = `${REPO}/bench/botProcess.ts`;

export interface BotSpawn {
  app: 'product' | 'echo';
  /** tsx: `node --import tsx bench/botProcess.ts` (how `npm start` runs); bundle: node on an esbuild bundle of it. */
  runtime: { kind: 'tsx'; cache: boolean } | { kind: 'bundle'; file: string };
  port: number;
  dataDir?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
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
    const child = new BotChild(spec);
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
    }
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
