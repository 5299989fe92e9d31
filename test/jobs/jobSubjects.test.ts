import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobsOfSubject } from '../../src/store/jobsRepository.js';
import { down, up } from '../../src/store/migrations/007_job_subjects.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

describe.each(STORE_BACKENDS)('jobs by subject ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => store.dispose());

  it('gives jobs queued before subjects existed the interaction their key starts with', async () => {
    const before = store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    for (const key of ['i-old:timeline:contact:con-1', 'i-old:memorialize:contact:con-1', 'i-other:timeline:contact:con-1', 'no-interaction']) {
      await sql`insert into jobs (kind, idempotency_key, payload, status, attempts, run_after, created_at)
                values ('timeline', ${key}, '{}', 'done', 1, '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z')`.execute(store.db);
    }
    await up(before);

    expect((await jobsOfSubject(store.db, 'i-old')).map((j) => j.idempotencyKey)).toEqual(['i-old:timeline:contact:con-1', 'i-old:memorialize:contact:con-1']);
    expect(await jobsOfSubject(store.db, 'i-other')).toHaveLength(1);
    const unclaimed = await store.db.selectFrom('jobs').select('idempotency_key').where('subject', 'is', null).execute();
    expect(unclaimed).toEqual([{ idempotency_key: 'no-interaction' }]);
  });
});
