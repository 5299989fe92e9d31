import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import type { Recorder } from '../lib/recorder.js';
import { sleep } from '../lib/stats.js';
import { BotClient } from '../lib/teams.js';
import type { TrialStore } from './store.js';

/**
 * A client whose activity ids are unique across the fleet's clients: each BotClient counts its own, and the
 * recording connector matches replies to activities by id, so two clients (two processes, or a process and
 * its restart) must never send the same one.
 */
class FleetClient extends BotClient {
  constructor(
    port: number,
    recorder: Recorder,
    private readonly ids: { next: number; prefix: string },
  ) {
    super(port, recorder, 64);
  }

  override nextId(): string {
    return `${this.ids.prefix}-${++this.ids.next}`;
  }
}

/** One bot process of a trial, on a port it keeps across restarts. */
interface Slot {
  port: number;
  child: BotChild | undefined;
  client: BotClient | undefined;
  /** Settles when the process answers /healthz again after a restart. */
  up: Promise<void>;
}

/**
 * The bot processes of a trial: one on SQLite, two on one PostgreSQL database, each the production build
 * (bench/lib/child.ts) with the trial's DATA_DIR / DATABASE_URL; JOB_LEASE_MS and JOB_HEARTBEAT_MS reach
 * them from the environment, as any variable the bench does not clear. Agents ask for a live process;
 * a process killed is started again on its port.
 */
export class Fleet {
  private readonly slots: Slot[] = [];
  private readonly ids = { next: 0, prefix: `chaos-${process.pid}-${Date.now().toString(36)}` };

  private constructor(
    private readonly store: TrialStore,
    private readonly recorder: Recorder,
    /** The production build's entry (see build.ts). */
    private readonly bundle: string,
  ) {}

  /** Starts the processes one after the other (each ready before the next starts). */
  static async start(store: TrialStore, recorder: Recorder, bundle: string, processes: number): Promise<Fleet> {
    const fleet = new Fleet(store, recorder, bundle);
    for (let i = 0; i < processes; i++) {
      const slot: Slot = { port: await freePort(), child: undefined, client: undefined, up: Promise.resolve() };
      fleet.slots.push(slot);
      await fleet.boot(slot);
    }
    return fleet;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Each live process's CPU time so far (user + system, µs), in slot order. */
  async cpu(): Promise<NodeJS.CpuUsage[]> {
    return Promise.all(this.slots.map(async (slot) => (await slot.child!.usage()).cpu));
  }

  private async boot(slot: Slot): Promise<void> {
    const env: Record<string, string> = { DATABASE_URL: this.store.databaseUrl ?? '' };
    if (!this.store.databaseUrl) delete env.DATABASE_URL;
    const child = await BotChild.start({ app: 'product', runtime: { kind: 'bundle', file: this.bundle }, port: slot.port, dataDir: this.store.dataDir, env });
    await untilHealthy(slot.port, child);
    slot.child = child;
    slot.client = new FleetClient(slot.port, this.recorder, this.ids);
  }

  /** kill -9 of process `index`; resolves with the wall-clock time (ms) it was sent, once it has exited. */
  async kill(index: number): Promise<number> {
    const slot = this.slots[index]!;
    const child = slot.child!;
    slot.child = undefined;
    slot.client?.close();
    slot.client = undefined;
    const at = Date.now();
    await child.kill();
    return at;
  }

  /** Starts process `index` again (after kill); agents wait for it through `clientFor` meanwhile. */
  restart(index: number): Promise<void> {
    const slot = this.slots[index]!;
    slot.up = this.boot(slot);
    return slot.up;
  }

  /**
   * A client of a live process for agent lane `lane`: its own process when that is up, else another one
   * that is (a load balancer's choice); with none up, waits for a restart.
   */
  async clientFor(lane: number): Promise<BotClient> {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const own = this.slots[lane % this.slots.length]!;
      const live = own.client ? own : this.slots.find((s) => s.client);
      if (live?.client) return live.client;
      if (performance.now() > deadline) throw new Error('no bot process up for 120 s');
      // Polled: a killed slot's `up` is settled until its restart begins, and racing it would never yield.
      await sleep(20);
    }
  }

  /** Asks every live process to stop (each stops its worker and closes its store). */
  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.up.catch(() => undefined)));
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.client?.close();
        await slot.child?.stop();
      }),
    );
  }
}
