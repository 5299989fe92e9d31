import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerCard } from '../../src/cards/customerCard.js';
import { seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import type { CrmConnector } from '../../src/crm/port.js';
import type { CrmRecord } from '../../src/domain/crmRecord.js';
import { buildCustomerCardView } from '../../src/domain/customerCard.js';
import type { Interaction, InteractionRecordLink } from '../../src/domain/interaction.js';
import { acwJobsFor, acwWritesOf } from '../../src/interactions/acwJobs.js';
import { repositoriesOf } from '../../src/store/unitOfWork.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { claimJobs, enqueueJobs } from '../../src/store/jobsRepository.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { cardText } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

// Issue 10, findings 3 and 4 replayed as written, through the real workflows and the job worker:
// concurrent CRM writes that lost each other, and an older call's data written over a newer one's after a crash.

const logger = pino({ level: 'silent' });
const configurations = loadCrmConfigurations('config/crm-configurations.json');
const demo = configurations.configurations.find((c) => c.id === 'demo')!;
const signal = new AbortController().signal;

/** A completed call on `record` that ended at minute `minute` of 10:00, taken by `agent`. */
function completedCall(id: string, minute: number, agent: string, disposition: string): Interaction {
  const endedAt = new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString();
  return {
    id,
    agentId: agent,
    channel: 'voice',
    ani: '+12065550142',
    state: 'completed',
    configurationId: 'demo',
    matchState: 'single',
    startedAt: new Date(Date.UTC(2026, 10, 22, 9, 50 + (minute % 10))).toISOString(),
    endedAt,
    completedAt: endedAt,
    disposition,
    notes: null,
    customerId: null,
  };
}

const linkTo = (interactionId: string, record: CrmRecord): InteractionRecordLink => ({
  interactionId,
  recordType: record.type,
  recordId: record.id,
  linked: true,
  origin: 'ani',
  label: record.name,
  fields: {},
});

describe.each(STORE_BACKENDS)('CRM writes that cannot lose or undo each other ($name)', (backend) => {
  let store: TestStore;
  let now: Date;
  const clock = () => now;
  const engine = () => new WorkflowEngine({ configurations, connectorFor: () => new EmbeddedConnector(store.db, clock), logger, defaultRegion: 'US', clock });
  const contacts = (n: number, prefix: string) =>
    Promise.all(Array.from({ length: n }, (_, i) => new EmbeddedConnector(store.db, clock).create('contact', { firstName: prefix, lastName: `N${i}` }, { signal })));
  const fieldsOf = async (record: CrmRecord) => (await new EmbeddedConnector(store.db).get(record, { signal }))!.fields;

  beforeEach(async () => {
    store = await backend.open();
    now = new Date('2026-11-22T12:00:00.000Z');
    await seedDemoData(store.db, now);
  });
  afterEach(async () => store.dispose());

  it("finding 3: 200 concurrent pairs (ACW memorialization vs an agent's edit of another field) lose nothing", async () => {
    const records = await contacts(200, 'Pair');
    const jobs = records.flatMap((record, i) =>
      acwJobsFor(completedCall(`i-pair-${i}`, 5, 'agent-1', `Disposition ${i}`), { id: 'agent-1', name: `Agent ${i}` }, [linkTo(`i-pair-${i}`, record)], demo, now),
    );
    await enqueueJobs(
      store.db,
      jobs.filter((j) => j.kind === 'memorialization'),
      now.toISOString(),
    );
    const agentSide = engine();
    const titles = new Map(records.map((record, i) => [record.id, `Title ${i}`]));
    const edits: Array<ReturnType<WorkflowEngine['execute']>> = [];
    // The agent saves an edit of the record at the moment the worker's memorialization of it starts.
    const real = new EmbeddedConnector(store.db, clock);
    const workerCrm: CrmConnector = Object.assign(Object.create(real) as CrmConnector, {
      update: (...args: Parameters<CrmConnector['update']>) => {
        edits.push(
          agentSide.execute({
            configurationId: 'demo',
            workflowId: 'update-record',
            payload: JSON.stringify({ workflowInput: { entity: 'contact', id: args[0].id, fields: { title: titles.get(args[0].id) } } }),
          }),
        );
        return real.update(...args);
      },
    });
    const workerEngine = new WorkflowEngine({ configurations, connectorFor: () => workerCrm, logger, defaultRegion: 'US', clock });
    const worker = new JobWorker({ db: store.db, engine: workerEngine, logger, clock });
    expect(await worker.drain()).toBe(200);
    const edited = await Promise.all(edits);
    expect(edited).toHaveLength(200);
    expect(edited.filter((r) => r.outcome !== 'Success')).toEqual([]);

    let memorializationLost = 0;
    let editLost = 0;
    for (const [i, record] of records.entries()) {
      const fields = await fieldsOf(record);
      if (fields.lastAgent !== `Agent ${i}` || fields.lastDisposition !== `Disposition ${i}`) memorializationLost++;
      if (fields.title !== `Title ${i}`) editLost++;
    }
    expect({ memorializationLost, editLost }).toEqual({ memorializationLost: 0, editLost: 0 });
  });

  it("finding 4: after a crash, no record of 50 ends with the older call's agent, disposition or contact time", async () => {
    const records = await contacts(50, 'Crash');
    const older = completedCall('i-older', 1, 'agent-old', 'Old disposition');
    const newer = completedCall('i-newer', 30, 'agent-new', 'New disposition');
    const jobsOf = (call: Interaction, agentName: string) =>
      acwJobsFor(
        call,
        { id: call.agentId, name: agentName },
        records.map((r) => linkTo(call.id, r)),
        demo,
        now,
      );
    // The older call's ACW is queued first; a worker claims all of it and dies (kill -9) before marking any done.
    await enqueueJobs(store.db, jobsOf(older, 'Old Agent'), now.toISOString());
    const dead = await claimJobs(store.db, now.toISOString(), new Date(now.getTime() + 10_000).toISOString(), 500, 'killed-worker');
    expect(dead).toHaveLength(100);
    // Half of them it had written already (memorialization included) before it died.
    const written = engine();
    for (const job of dead.filter((j) => j.kind === 'memorialization').slice(0, 25)) {
      expect((await written.execute(job.request!)).outcome).toBe('Success');
    }
    // The newer call completes meanwhile; a live worker runs what it may.
    now = new Date(now.getTime() + 1_000);
    await enqueueJobs(store.db, jobsOf(newer, 'New Agent'), now.toISOString());
    const live = new JobWorker({ db: store.db, engine: engine(), logger, clock });
    await live.drain();
    // The dead worker's lease runs out: the live worker takes its jobs over, whichever order they run in.
    now = new Date(now.getTime() + 10_000);
    await live.drain();

    const newerEnd = newer.endedAt;
    let stale = 0;
    for (const record of records) {
      const fields = await fieldsOf(record);
      if (fields.lastAgent !== 'New Agent' || fields.lastDisposition !== 'New disposition' || fields.lastContactAt !== newerEnd) stale++;
    }
    expect(stale).toBe(0);
    const statuses = await store.db.selectFrom('jobs').select(['kind', 'status']).execute();
    expect(statuses.filter((s) => s.status !== 'done' && s.status !== 'superseded')).toEqual([]);
  });

  it("finding 4, the card: an older call's superseded write says it was not needed, and is not counted as one to save", async () => {
    const [record] = await contacts(1, 'Card');
    const newer = completedCall('i-new', 30, 'agent-new', 'Escalated');
    const older = completedCall('i-old', 1, 'agent-old', 'Resolved');
    await enqueueJobs(store.db, acwJobsFor(newer, { id: 'agent-new', name: 'New' }, [linkTo('i-new', record!)], demo, now), now.toISOString());
    const worker = new JobWorker({ db: store.db, engine: engine(), logger, clock });
    await worker.drain();
    await enqueueJobs(store.db, acwJobsFor(older, { id: 'agent-old', name: 'Old' }, [linkTo('i-old', record!)], demo, now), now.toISOString());
    await worker.drain();

    const links = [linkTo('i-old', record!)];
    const crmWrites = await acwWritesOf(repositoriesOf(store.db).jobs, 'i-old', links);
    const view = buildCustomerCardView({
      interaction: older,
      owner: { name: 'Old', teamsUserId: '29:old' },
      links,
      mappings: {},
      dispositions: ['Resolved'],
      can: { createContact: false, createCase: false, createCustom: false, update: false, search: false },
      now,
      crmWrites,
    });
    const text = cardText(customerCard(view));
    expect(text).toMatch(/Saved to the CRM \(1 of 1\)/);
    expect(text).toMatch(/Not needed: a later call’s data is saved/);
    expect((await fieldsOf(record!)).lastAgent).toBe('New');
  });
});
