import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { CrmError, type CrmConnector } from '../../src/crm/port.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { newInteraction } from '../../src/domain/interaction.js';
import { upsertAgent } from '../../src/store/agentsRepository.js';
import { insertInteraction } from '../../src/store/interactionsRepository.js';
import { claimJobs, enqueueJobs, jobsOfSubject } from '../../src/store/jobsRepository.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { memorializationJob, timelineJob } from './jobFixtures.js';

const logger = pino({ level: 'silent' });
const configurations = loadCrmConfigurations('config/crm-configurations.json');
const signal = new AbortController().signal;

describe.each(STORE_BACKENDS)('ACW jobs ($name)', (backend) => {
  let store: TestStore;
  let now: Date;
  const clock = () => now;
  const engineOver = (connector: CrmConnector) => new WorkflowEngine({ configurations, connectorFor: () => connector, logger, defaultRegion: 'US', clock });
  const tasksOf = (interactionId: string, recordId: string = DEMO.maria.id) =>
    new EmbeddedConnector(store.db).listActivities({ type: 'contact', id: recordId }, { signal, limit: 100 }).then((tasks) => tasks.filter((t) => t.fields.interactionId === interactionId));

  beforeEach(async () => {
    store = await backend.open();
    now = new Date('2026-11-22T10:05:00.000Z');
    await seedDemoData(store.db, now);
  });
  afterEach(async () => store.dispose());

  it('queues a key once, however often it is enqueued', async () => {
    const job = timelineJob('i-once');
    expect(await enqueueJobs(store.db, [job, job], now.toISOString())).toBe(1);
    expect(await enqueueJobs(store.db, [job], now.toISOString())).toBe(0);
    expect(await jobsOfSubject(store.db, 'i-once')).toHaveLength(1);
  });

  it('runs a job whose worker died after the CRM write, and the CRM still gets one activity', async () => {
    await enqueueJobs(store.db, [timelineJob('i-crash')], now.toISOString());
    const engine = engineOver(new EmbeddedConnector(store.db, clock));

    // Worker A claims the job, writes to the CRM, and dies before marking it done.
    const [claimed] = await claimJobs(store.db, now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), 10, 'worker-a');
    expect(claimed).toBeDefined();
    expect((await engine.execute(claimed!.request!)).outcome).toBe('Success');
    expect(await tasksOf('i-crash')).toHaveLength(1);

    // While A's lease holds, nobody else takes the job.
    const workerB = new JobWorker({ db: store.db, engine, logger, clock });
    expect(await workerB.drain()).toBe(0);

    // Once the lease has run out, B takes it, runs it again, and the CRM still has one activity.
    now = new Date(now.getTime() + 61_000);
    expect(await workerB.drain()).toBe(1);
    const [job] = await jobsOfSubject(store.db, 'i-crash');
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(await tasksOf('i-crash')).toHaveLength(1);
  });

  it('retries a transient CRM failure later, then succeeds', async () => {
    await enqueueJobs(store.db, [timelineJob('i-retry')], now.toISOString());
    const real = new EmbeddedConnector(store.db, clock);
    let failures = 1;
    const flaky: CrmConnector = Object.assign(Object.create(real) as CrmConnector, {
      logActivity: (...args: Parameters<CrmConnector['logActivity']>) => (failures-- > 0 ? Promise.reject(new CrmError('Service Unavailable', 503)) : real.logActivity(...args)),
    });
    const worker = new JobWorker({ db: store.db, engine: engineOver(flaky), logger, clock });
    expect(await worker.drain()).toBe(1);
    let [job] = await jobsOfSubject(store.db, 'i-retry');
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job!.lastError).toMatch(/InternalError: The CRM failed \(HTTP 503\)/);
    expect(await worker.drain()).toBe(0); // not due yet: it backs off

    now = new Date(now.getTime() + 5 * 60_000);
    expect(await worker.drain()).toBe(1);
    [job] = await jobsOfSubject(store.db, 'i-retry');
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(await tasksOf('i-retry')).toHaveLength(1);
  });

  it('marks a job dead at once when a retry cannot help, and keeps the reason', async () => {
    const job = timelineJob('i-dead');
    job.workflowId = 'no-such-workflow';
    await enqueueJobs(store.db, [job], now.toISOString());
    const worker = new JobWorker({ db: store.db, engine: engineOver(new EmbeddedConnector(store.db, clock)), logger, clock });
    expect(await worker.drain()).toBe(1);
    const [dead] = await jobsOfSubject(store.db, 'i-dead');
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead!.lastError).toMatch(/InvalidWorkflow/);
  });

  it('lets only one of two racing workers take a job', async () => {
    await enqueueJobs(store.db, [timelineJob('i-race')], now.toISOString());
    const lease = new Date(now.getTime() + 60_000).toISOString();
    const claims = await Promise.all([1, 2, 3, 4].map((n) => claimJobs(store.db, now.toISOString(), lease, 1, `worker-${n}`)));
    expect(claims.flat()).toHaveLength(1);
  });

  it.skipIf(backend.name !== 'postgres')('passes over the jobs another claim has chosen and not yet taken, rather than waiting for it (PostgreSQL)', async () => {
    const at = now.toISOString();
    const lease = new Date(now.getTime() + 60_000).toISOString();
    await enqueueJobs(
      store.db,
      [1, 2, 3, 4].map((n) => timelineJob(`i-skip-${n}`)),
      at,
    );
    const subjects = (jobs: Array<{ subject: string | null }>) => jobs.map((j) => j.subject);
    // A claim whose transaction is still open holds the two oldest: another claim meanwhile takes the next two at once.
    const [held, meanwhile] = await store.db.transaction().execute(async (trx) => {
      const first = await claimJobs(trx, at, lease, 2, 'worker-slow');
      const second = await Promise.race([claimJobs(store.db, at, lease, 2, 'worker-fast'), new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 3_000))]);
      return [first, second] as const;
    });
    expect(subjects(held)).toEqual(['i-skip-1', 'i-skip-2']);
    expect(meanwhile === 'waited' ? meanwhile : subjects(meanwhile)).toEqual(['i-skip-3', 'i-skip-4']);
  });

  it('claims in batches: expired leases first, then the longest due, never a job not due yet', async () => {
    const at = now.toISOString();
    const later = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
    await enqueueJobs(
      store.db,
      [1, 2, 3, 4, 5].map((n) => timelineJob(`i-batch-${n}`)),
      at,
    );
    await enqueueJobs(store.db, [timelineJob('i-later')], later(60));
    const subjects = (jobs: Array<{ subject: string | null }>) => jobs.map((j) => j.subject);

    expect(subjects(await claimJobs(store.db, at, later(30), 3, 'test-owner'))).toEqual(['i-batch-1', 'i-batch-2', 'i-batch-3']);
    expect(subjects(await claimJobs(store.db, at, later(90), 3, 'test-owner'))).toEqual(['i-batch-4', 'i-batch-5']);
    expect(await claimJobs(store.db, at, later(90), 3, 'test-owner')).toEqual([]);

    // At 61 s the first batch's lease has run out (its worker died) and i-later is due: the orphans go first.
    expect(subjects(await claimJobs(store.db, later(61), later(120), 3, 'test-owner'))).toEqual(['i-batch-1', 'i-batch-2', 'i-batch-3']);
    expect(subjects(await claimJobs(store.db, later(61), later(120), 3, 'test-owner'))).toEqual(['i-later']);
  });

  it('never gives one job to two workers claiming batches at once', async () => {
    await enqueueJobs(
      store.db,
      Array.from({ length: 30 }, (_, n) => timelineJob(`i-many-${n}`)),
      now.toISOString(),
    );
    const at = now.toISOString();
    const lease = new Date(now.getTime() + 60_000).toISOString();
    const racing = await Promise.all([1, 2, 3, 4].map((n) => claimJobs(store.db, at, lease, 10, `worker-${n}`)));
    // A worker that lost part of its batch to another comes back for the rest.
    const ids = [...racing.flat(), ...(await claimJobs(store.db, at, lease, 30, 'test-owner'))].map((j) => j.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('runs a batch a few jobs at a time, and tells of each interaction once', async () => {
    const interactions = ['i-b1', 'i-b2', 'i-b3'];
    // Each about a record of its own: memorializations of one record would run one at a time, batch after batch.
    const records = [DEMO.maria.id, ...DEMO.household.contacts];
    await enqueueJobs(
      store.db,
      interactions.flatMap((id, n) => [timelineJob(id, { recordId: records[n] }), memorializationJob(id, { recordId: records[n] })]),
      now.toISOString(),
    );
    const real = new EmbeddedConnector(store.db, clock);
    let inFlight = 0;
    let mostInFlight = 0;
    const slowly =
      <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return write(...args).finally(() => inFlight--);
      };
    const remote: CrmConnector = Object.assign(Object.create(real) as CrmConnector, {
      logActivity: slowly(real.logActivity.bind(real)),
      update: slowly(real.update.bind(real)),
    });
    const told: string[] = [];
    const worker = new JobWorker({
      db: store.db,
      engine: engineOver(remote),
      logger,
      clock,
      concurrency: 2,
      onJobFinished: (job) => told.push(job.interactionId),
    });

    expect(await worker.drain()).toBe(6);
    expect(mostInFlight).toBe(2);
    expect(told.sort()).toEqual(interactions);
    for (const id of interactions) {
      expect((await jobsOfSubject(store.db, id)).map((j) => j.status)).toEqual(['done', 'done']);
    }
    for (const [n, id] of interactions.entries()) expect(await tasksOf(id, records[n])).toHaveLength(1);
  });

  it('tells the card of the agent who has the interaction now, not the one its jobs were queued for, reading them once per batch', async () => {
    // i-moved went to agent-2 after its jobs were queued for agent-1; i-gone is no longer in the store.
    for (const agent of ['agent-1', 'agent-2']) await upsertAgent(store.db, agent, agent, now.toISOString());
    const start = { channel: 'voice' as const, ani: '+12065550142', state: 'completed' as const, configurationId: 'demo', startedAt: now.toISOString() };
    await insertInteraction(store.db, newInteraction({ ...start, id: 'i-moved', agentId: 'agent-2' }));
    await insertInteraction(store.db, newInteraction({ ...start, id: 'i-stays', agentId: 'agent-1' }));
    await enqueueJobs(
      store.db,
      ['i-moved', 'i-stays', 'i-gone'].map((id) => timelineJob(id)),
      now.toISOString(),
    );
    const told: Array<[string, string]> = [];
    let ownerReads = 0;
    const counting = store.db.withPlugin({
      transformQuery: ({ node }) => {
        if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"interactions"')) ownerReads++;
        return node;
      },
      transformResult: async ({ result }) => result,
    });
    const worker = new JobWorker({ db: counting, engine: engineOver(new EmbeddedConnector(store.db, clock)), logger, clock, onJobFinished: (job) => told.push([job.interactionId, job.agentId]) });

    expect(await worker.drain()).toBe(3);
    expect(told.sort()).toEqual([
      ['i-gone', 'agent-1'],
      ['i-moved', 'agent-2'],
      ['i-stays', 'agent-1'],
    ]);
    expect(ownerReads).toBe(1);
  });

  it('lets the event loop serve others between batches', async () => {
    await enqueueJobs(
      store.db,
      Array.from({ length: 10 }, (_, n) => timelineJob(`i-yield-${n}`)),
      now.toISOString(),
    );
    const happened: string[] = [];
    const worker = new JobWorker({
      db: store.db,
      engine: engineOver(new EmbeddedConnector(store.db, clock)),
      logger,
      clock,
      batchSize: 2,
      onJobFinished: () => happened.push('job'),
    });
    setImmediate(() => happened.push('someone else'));
    expect(await worker.drain()).toBe(10);
    // Before the last job, not after them all (SQLite answers synchronously: only the worker's yield lets it in).
    expect(happened.indexOf('someone else')).toBeGreaterThanOrEqual(0);
    expect(happened.indexOf('someone else')).toBeLessThan(happened.lastIndexOf('job'));
  });
});
