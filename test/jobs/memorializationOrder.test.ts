import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import type { CrmConnector } from '../../src/crm/port.js';
import type { Interaction, InteractionRecordLink } from '../../src/domain/interaction.js';
import { acwJobsFor, acwWritesOf } from '../../src/interactions/acwJobs.js';
import { repositoriesOf } from '../../src/store/unitOfWork.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { claimJobs, enqueueJobs, jobsOfSubject } from '../../src/store/jobsRepository.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { memorializationJob, timelineJob } from './jobFixtures.js';

const logger = pino({ level: 'silent' });
const configurations = loadCrmConfigurations('config/crm-configurations.json');
const signal = new AbortController().signal;
const [CHRIS] = DEMO.household.contacts;

/** Call n of a record: the later n, the later the call ended. */
const call = (n: number) => ({ endedAt: new Date(Date.UTC(2026, 10, 22, 10, n)).toISOString(), agentName: `Agent ${n}`, disposition: `Disposition ${n}` });

describe.each(STORE_BACKENDS)('memorialization in the order of the calls ($name)', (backend) => {
  let store: TestStore;
  let now: Date;
  const clock = () => now;
  const engineOver = (connector: CrmConnector) => new WorkflowEngine({ configurations, connectorFor: () => connector, logger, defaultRegion: 'US', clock });
  const embedded = () => new EmbeddedConnector(store.db, clock);
  const workerOver = (connector: CrmConnector = embedded()) => new JobWorker({ db: store.db, engine: engineOver(connector), logger, clock });
  const fieldsOf = async (id: string) => (await embedded().get({ type: 'contact', id }, { signal }))!.fields;
  const statusOf = async (interactionId: string, kind = 'memorialization') => (await jobsOfSubject(store.db, interactionId)).find((j) => j.kind === kind)?.status;

  beforeEach(async () => {
    store = await backend.open();
    now = new Date('2026-11-22T12:00:00.000Z');
    await seedDemoData(store.db, now);
  });
  afterEach(async () => store.dispose());

  it('writes nothing of an older call run after a newer one, and tells the card it was not needed', async () => {
    await enqueueJobs(store.db, [memorializationJob('i-new', call(30))], now.toISOString());
    expect(await workerOver().drain()).toBe(1);
    await enqueueJobs(store.db, [timelineJob('i-old', call(10)), memorializationJob('i-old', call(10))], now.toISOString());
    expect(await workerOver().drain()).toBe(2);

    expect(await fieldsOf(DEMO.maria.id)).toMatchObject({ lastAgent: 'Agent 30', lastDisposition: 'Disposition 30', lastContactAt: call(30).endedAt });
    expect(await statusOf('i-old')).toBe('superseded');
    // Timeline is not ordered: the older call's activity is written all the same.
    expect(await statusOf('i-old', 'timeline')).toBe('done');
    const link: InteractionRecordLink = { interactionId: 'i-old', recordType: 'contact', recordId: DEMO.maria.id, linked: true, origin: 'ani', label: 'Maria Garcia', fields: {} };
    expect((await acwWritesOf(repositoriesOf(store.db).jobs, 'i-old', [link])).map((w) => [w.what, w.status])).toEqual([
      ['timeline', 'done'],
      ['memorialization', 'superseded'],
    ]);
  });

  it("learns with its claim whether a newer call's memorialization of the record is done", async () => {
    await enqueueJobs(store.db, [memorializationJob('i-new', call(30)), memorializationJob('i-other', { ...call(5), recordId: CHRIS })], now.toISOString());
    expect(await workerOver().drain()).toBe(2);
    await enqueueJobs(store.db, [memorializationJob('i-old', call(10)), memorializationJob('i-later', { ...call(20), recordId: CHRIS }), timelineJob('i-old', call(10))], now.toISOString());
    const claimed = await claimJobs(store.db, now.toISOString(), new Date(now.getTime() + 10_000).toISOString(), 10, 'worker-a');
    expect(claimed.map((job) => [job.subject, job.kind, job.newerWriteDone]).sort()).toEqual([
      ['i-later', 'memorialization', false],
      ['i-old', 'memorialization', true],
      ['i-old', 'timeline', false],
    ]);
  });

  it('writes a newer call run after an older one', async () => {
    await enqueueJobs(store.db, [memorializationJob('i-old', call(10))], now.toISOString());
    expect(await workerOver().drain()).toBe(1);
    await enqueueJobs(store.db, [memorializationJob('i-new', call(30))], now.toISOString());
    expect(await workerOver().drain()).toBe(1);
    expect(await fieldsOf(DEMO.maria.id)).toMatchObject({ lastAgent: 'Agent 30', lastContactAt: call(30).endedAt });
    expect([await statusOf('i-old'), await statusOf('i-new')]).toEqual(['done', 'done']);
  });

  it("orders the jobs ACW queues: a memorialization knows its record and its call's end, a timeline job is not ordered", async () => {
    const interaction: Interaction = {
      id: 'i-acw',
      agentId: 'agent-1',
      channel: 'voice',
      ani: '+12065550142',
      state: 'completed',
      configurationId: 'demo',
      matchState: 'single',
      startedAt: '2026-11-22T10:00:00.000Z',
      endedAt: '2026-11-22T10:04:05Z',
      completedAt: null,
      disposition: 'Resolved',
      notes: null,
      customerId: null,
    };
    const link: InteractionRecordLink = { interactionId: 'i-acw', recordType: 'contact', recordId: DEMO.maria.id, linked: true, origin: 'ani', label: 'Maria Garcia', fields: {} };
    await enqueueJobs(
      store.db,
      acwJobsFor(
        interaction,
        { id: 'agent-1', name: 'Ana' },
        [link],
        configurations.configurations.find((c) => c.id === 'demo')!,
        now,
      ),
      now.toISOString(),
    );
    const rows = await store.db.selectFrom('jobs').select(['kind', 'record_key', 'interaction_at']).orderBy('kind').execute();
    expect(rows).toEqual([
      { kind: 'memorialization', record_key: `demo:contact:${DEMO.maria.id}`, interaction_at: '2026-11-22T10:04:05.000Z' },
      { kind: 'timeline', record_key: null, interaction_at: null },
    ]);
  });

  it('claims one memorialization per record, and none of a record while one of it runs', async () => {
    const at = now.toISOString();
    const lease = new Date(now.getTime() + 10_000).toISOString();
    await enqueueJobs(store.db, [memorializationJob('i-1', call(1)), memorializationJob('i-2', call(2)), memorializationJob('i-3', { ...call(3), recordId: CHRIS })], at);
    await enqueueJobs(store.db, [timelineJob('i-1', call(1)), timelineJob('i-2', call(2))], at);
    const first = await claimJobs(store.db, at, lease, 10, 'worker-a');
    expect(
      first
        .filter((j) => j.kind === 'memorialization')
        .map((j) => j.recordKey)
        .sort(),
    ).toEqual([`demo:contact:${CHRIS}`, `demo:contact:${DEMO.maria.id}`]);
    expect(first.filter((j) => j.kind === 'timeline')).toHaveLength(2);
    // Maria's other memorialization waits while hers runs, even for a worker claiming at the same moment.
    expect(await claimJobs(store.db, at, lease, 10, 'worker-b')).toEqual([]);
  });

  it('gives one job of a record to only one of several workers claiming at the same moment', async () => {
    const at = now.toISOString();
    const lease = new Date(now.getTime() + 10_000).toISOString();
    await enqueueJobs(
      store.db,
      [1, 2, 3, 4, 5, 6].map((n) => memorializationJob(`i-${n}`, call(n))),
      at,
    );
    const claims = await Promise.all([1, 2, 3, 4].map((n) => claimJobs(store.db, at, lease, 10, `worker-${n}`)));
    expect(claims.flat()).toHaveLength(1);
    const running = await store.db.selectFrom('jobs').select('id').where('status', '=', 'running').execute();
    expect(running).toHaveLength(1);
    // And the database itself refuses a second running job of the record, whatever a claim would do.
    const pending = await store.db.selectFrom('jobs').select('id').where('status', '=', 'pending').executeTakeFirstOrThrow();
    await expect(store.db.updateTable('jobs').set({ status: 'running' }).where('id', '=', pending.id).execute()).rejects.toThrow(/jobs_one_running_per_record|jobs\.record_key/);
  });

  it("after a crash, takes the dead worker's older job over first, then writes the newer call over it", async () => {
    await enqueueJobs(store.db, [memorializationJob('i-old', call(10))], now.toISOString());
    await enqueueJobs(store.db, [memorializationJob('i-new', call(30))], new Date(now.getTime() + 1).toISOString());
    // Worker A claims the older call's job and dies.
    const [taken] = await claimJobs(store.db, now.toISOString(), new Date(now.getTime() + 10_000).toISOString(), 1, 'worker-a');
    expect(taken?.subject).toBe('i-old');
    now = new Date(now.getTime() + 1);
    // The newer one does not run meanwhile: the record's job is still A's.
    const workerB = workerOver();
    expect(await workerB.drain()).toBe(0);
    now = new Date(now.getTime() + 11_000);
    expect(await workerB.drain()).toBe(2);
    expect([await statusOf('i-old'), await statusOf('i-new')]).toEqual(['done', 'done']);
    expect(await fieldsOf(DEMO.maria.id)).toMatchObject({ lastAgent: 'Agent 30', lastContactAt: call(30).endedAt });
  });

  it("after a crash during the newer call's job, the older one is superseded once the newer one is taken over", async () => {
    await enqueueJobs(store.db, [memorializationJob('i-new', call(30))], now.toISOString());
    await enqueueJobs(store.db, [memorializationJob('i-old', call(10))], new Date(now.getTime() + 1).toISOString());
    const [taken] = await claimJobs(store.db, now.toISOString(), new Date(now.getTime() + 10_000).toISOString(), 1, 'worker-a');
    expect(taken?.subject).toBe('i-new');
    now = new Date(now.getTime() + 11_000);
    expect(await workerOver().drain()).toBe(2);
    expect([await statusOf('i-new'), await statusOf('i-old')]).toEqual(['done', 'superseded']);
    expect(await fieldsOf(DEMO.maria.id)).toMatchObject({ lastAgent: 'Agent 30', lastDisposition: 'Disposition 30' });
  });

  it("never runs two memorializations of one record at once, with two workers on many calls, and the latest call's data stands", async () => {
    const real = embedded();
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    const remote: CrmConnector = Object.assign(Object.create(real) as CrmConnector, {
      update: async (...args: Parameters<CrmConnector['update']>) => {
        const id = args[0].id;
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        if (inFlight.get(id)! > 1) overlaps++;
        // A CRM across the network: the other worker has time to claim meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 3));
        try {
          return await real.update(...args);
        } finally {
          inFlight.set(id, inFlight.get(id)! - 1);
        }
      },
    });
    // Calls in no order of time, on two records.
    const minutes = [7, 3, 12, 1, 9, 15, 4, 11, 2, 14, 6, 10, 5, 13, 8];
    await enqueueJobs(
      store.db,
      minutes.flatMap((m) => [memorializationJob(`i-m${m}`, call(m)), memorializationJob(`i-c${m}`, { ...call(m), recordId: CHRIS })]),
      now.toISOString(),
    );
    const [a, b] = [workerOver(remote), workerOver(remote)];
    // A worker stops when it finds nothing it may run now; the other may still hold a record.
    for (let round = 0; round < 100; round++) {
      const ran = await Promise.all([a.drain(), b.drain()]);
      if (ran[0] + ran[1] === 0) break;
    }

    expect(overlaps).toBe(0);
    const statuses = await store.db.selectFrom('jobs').select('status').execute();
    expect(statuses.filter((s) => s.status !== 'done' && s.status !== 'superseded')).toEqual([]);
    for (const id of [DEMO.maria.id, CHRIS]) {
      expect(await fieldsOf(id)).toMatchObject({ lastAgent: 'Agent 15', lastDisposition: 'Disposition 15', lastContactAt: call(15).endedAt });
    }
  });
});
