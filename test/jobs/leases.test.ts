import type { KyselyPlugin } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import type { CrmConnector } from '../../src/crm/port.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { enqueueJobs } from '../../src/store/jobsRepository.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { timelineJob } from './jobFixtures.js';

const logger = pino({ level: 'silent' });
const configurations = loadCrmConfigurations('config/crm-configurations.json');
const signal = new AbortController().signal;

// Real time, short: a lease of 2 s renewed every 250 ms (the product's are 10 s and 3 s); 2 s leaves room for a
// machine so busy that a heartbeat comes late, which CI on two shared cores can be.
const LEASE_MS = 2_000;
const HEARTBEAT_MS = 250;
const POLL_MS = 50;

/**
 * A worker's way to its database that can be cut: while `dead`, every statement it sends fails, as if its
 * process had died (no heartbeat, no "done"); `revive` is a process that was only paused and comes back.
 */
function cuttable(): { plugin: KyselyPlugin; dead: boolean } {
  const state = {
    dead: false,
    plugin: {
      transformQuery: (args) => {
        if (state.dead) throw new Error('worker is dead');
        return args.node;
      },
      transformResult: async (args) => args.result,
    } satisfies KyselyPlugin,
  };
  return state;
}

describe.each(STORE_BACKENDS)('job leases and heartbeats ($name)', (backend) => {
  let store: TestStore;
  const workers: JobWorker[] = [];
  const engineOver = (connector: CrmConnector) => new WorkflowEngine({ configurations, connectorFor: () => connector, logger, defaultRegion: 'US' });
  const worker = (connector: CrmConnector, db = store.db) => {
    const made = new JobWorker({ db, engine: engineOver(connector), logger, leaseMs: LEASE_MS, heartbeatMs: HEARTBEAT_MS, pollMs: POLL_MS });
    workers.push(made);
    return made;
  };
  const job = () => store.db.selectFrom('jobs').select(['status', 'attempts', 'lease_owner']).executeTakeFirstOrThrow();
  const activities = () => new EmbeddedConnector(store.db).listActivities({ type: 'contact', id: DEMO.maria.id }, { signal, limit: 100 });

  beforeEach(async () => {
    store = await backend.open();
    await seedDemoData(store.db, new Date());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await store.dispose();
  });

  /** A connector whose activity writes wait until let go, one by one; each write that began is in `held`. */
  function gated() {
    const real = new EmbeddedConnector(store.db);
    const held: Array<() => void> = [];
    const connector: CrmConnector = Object.assign(Object.create(real) as CrmConnector, {
      logActivity: async (...args: Parameters<CrmConnector['logActivity']>) => {
        await new Promise<void>((resolve) => held.push(resolve));
        return real.logActivity(...args);
      },
    });
    return { connector, held };
  }

  it("takes a dead worker's job over within the lease, and the dead one, come back, ends nothing", async () => {
    await enqueueJobs(store.db, [timelineJob('i-dies')], new Date().toISOString());
    const { connector, held } = gated();
    const link = cuttable();
    const workerA = worker(connector, store.db.withPlugin(link.plugin));
    const drainedA = workerA.drain();
    await waitFor('worker A to start the job', () => held.length === 1);
    const firstOwner = (await job()).lease_owner;

    // A dies mid-job: no more heartbeats. B polls all along.
    link.dead = true;
    const diedAt = Date.now();
    const workerB = worker(connector);
    workerB.start();
    await waitFor('worker B to take the job over', () => held.length === 2, 10_000);
    const tookOverMs = Date.now() - diedAt;
    // Not before A's lease ran out (A renewed it at most a heartbeat before dying), and not long after.
    expect(tookOverMs).toBeGreaterThanOrEqual(LEASE_MS - HEARTBEAT_MS - 50);
    expect(tookOverMs).toBeLessThan(LEASE_MS + 2_000); // a poll and a claim, with room for a busy machine
    const taken = await job();
    expect(taken).toMatchObject({ status: 'running', attempts: 2 });
    expect(taken.lease_owner).not.toBe(firstOwner);

    // A was only paused: it comes back, its write ends, and it must not mark B's job done.
    link.dead = false;
    held[0]!();
    await drainedA;
    expect(await job()).toMatchObject({ status: 'running', attempts: 2, lease_owner: taken.lease_owner });

    held[1]!();
    await waitFor('worker B to finish the job', async () => (await job()).status === 'done');
    expect(await job()).toMatchObject({ status: 'done', attempts: 2 });
    // Both wrote; the activity key made the second a no-op.
    expect((await activities()).filter((a) => a.fields.interactionId === 'i-dies')).toHaveLength(1);
  });

  it('lets a live job slower than the lease keep it: no other worker takes it over', async () => {
    await enqueueJobs(store.db, [timelineJob('i-slow')], new Date().toISOString());
    const { connector, held } = gated();
    const workerA = worker(connector);
    const drainedA = workerA.drain();
    await waitFor('worker A to start the job', () => held.length === 1);
    const owner = (await job()).lease_owner;

    const workerB = worker(connector);
    workerB.start();
    // Three leases long, with B polling every 50 ms: A's heartbeat keeps the job A's.
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS));
    expect(held).toHaveLength(1);
    expect(await job()).toMatchObject({ status: 'running', attempts: 1, lease_owner: owner });

    held[0]!();
    expect(await drainedA).toBe(1);
    expect(await job()).toMatchObject({ status: 'done', attempts: 1 });
    expect(held).toHaveLength(1);
  });

  it('refuses a heartbeat that would not come before the lease runs out', () => {
    expect(() => new JobWorker({ db: store.db, engine: engineOver(new EmbeddedConnector(store.db)), logger, leaseMs: 1_000, heartbeatMs: 1_000 })).toThrow(/heartbeat/);
  });
});
