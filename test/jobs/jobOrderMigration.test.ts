import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down, up } from '../../src/store/migrations/008_job_order_and_owners.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { memorializationJob, oldFormatRow, timelineJob } from './jobFixtures.js';

describe.each(STORE_BACKENDS)('migration 008: jobs know their record and time ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => store.dispose());

  it('gives memorializations queued before it their record and call end, and keeps one running per record', async () => {
    const before = store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    const jobs = [
      { ...oldFormatRow(memorializationJob('i-1', { endedAt: '2026-11-22T10:01:00Z' })), status: 'done' },
      { ...oldFormatRow(memorializationJob('i-2', { endedAt: '2026-11-22T10:02:00.000Z' })), status: 'running' },
      // The old worker could run two of one record at once.
      { ...oldFormatRow(memorializationJob('i-3', { endedAt: '2026-11-22T10:03:00.000Z' })), status: 'running' },
      { ...oldFormatRow(timelineJob('i-1')), status: 'done' },
    ];
    for (const job of jobs) {
      await sql`insert into jobs (kind, idempotency_key, subject, payload, status, attempts, run_after, created_at)
                values (${job.kind}, ${job.idempotencyKey}, ${job.subject}, ${JSON.stringify(job.payload)}, ${job.status}, 1,
                        '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z')`.execute(store.db);
    }
    await up(before);

    const rows = await store.db.selectFrom('jobs').select(['subject', 'kind', 'record_key', 'interaction_at']).orderBy('id').execute();
    const maria = 'demo:contact:con-maria-garcia';
    expect(rows).toEqual([
      { subject: 'i-1', kind: 'memorialization', record_key: maria, interaction_at: '2026-11-22T10:01:00.000Z' },
      { subject: 'i-2', kind: 'memorialization', record_key: maria, interaction_at: '2026-11-22T10:02:00.000Z' },
      { subject: 'i-3', kind: 'memorialization', record_key: null, interaction_at: null },
      { subject: 'i-1', kind: 'timeline', record_key: null, interaction_at: null },
    ]);
  });
});
