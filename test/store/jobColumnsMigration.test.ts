import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down, up } from '../../src/store/migrations/017_job_columns.js';
import { claimJobs, jobsOfSubject } from '../../src/store/jobsRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { memorializationJob, oldFormatRow } from '../jobs/jobFixtures.js';

describe.each(STORE_BACKENDS)('migration 017: jobs keep what they are in columns ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => store.dispose());

  const insertRow = async (key: string, subject: string, payload: string) =>
    sql`insert into jobs (kind, idempotency_key, subject, payload, status, attempts, run_after, created_at)
        values ('memorialization', ${key}, ${subject}, ${payload}, 'pending', 0, '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z')`.execute(store.db);

  it("moves an old row's request and record out of its wrapped payload, and runs it as before", async () => {
    const before = store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    const job = memorializationJob('i-old', { recordId: 'con-42' });
    const old = oldFormatRow(job);
    await insertRow(old.idempotencyKey, old.subject, JSON.stringify(old.payload));
    await insertRow('i-bad:memorialize:contact:con-1', 'i-bad', 'not json');
    await up(before);

    const rows = await store.db.selectFrom('jobs').select(['idempotency_key', 'payload', 'configuration_id', 'workflow_id', 'record_type', 'record_id', 'agent_id']).orderBy('id').execute();
    expect(rows).toEqual([
      {
        idempotency_key: 'i-old:memorialize:contact:con-42',
        payload: job.payload,
        configuration_id: 'demo',
        workflow_id: 'memorialize',
        record_type: 'contact',
        record_id: 'con-42',
        agent_id: 'agent-1',
      },
      // Unreadable: kept as it was, for the worker to end as such.
      { idempotency_key: 'i-bad:memorialize:contact:con-1', payload: 'not json', configuration_id: null, workflow_id: null, record_type: null, record_id: null, agent_id: null },
    ]);
    expect((await jobsOfSubject(store.db, 'i-old')).map((j) => j.record)).toEqual([{ type: 'contact', id: 'con-42' }]);
    const claimed = await claimJobs(store.db, '2026-11-22T10:00:00.000Z', '2026-11-22T10:01:00.000Z', 10, 'worker');
    expect(claimed.map((j) => [j.subject, j.request, j.agentId])).toEqual([
      ['i-old', { configurationId: 'demo', workflowId: 'memorialize', payload: job.payload }, 'agent-1'],
      ['i-bad', undefined, null],
    ]);
  });

  it('wraps the request back into the payload when rolled back', async () => {
    const before = store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    const old = oldFormatRow(memorializationJob('i-back'));
    await insertRow(old.idempotencyKey, old.subject, JSON.stringify(old.payload));
    await up(before);
    await down(before);
    const [row] = await store.db.selectFrom('jobs').select('payload').execute();
    expect(JSON.parse(row!.payload)).toEqual(old.payload);
    await up(before);
  });
});
