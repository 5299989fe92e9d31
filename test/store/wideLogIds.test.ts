import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catchUpRollups } from '../../src/store/wfmRollupCatchUp.js';
import { appendStateLog } from '../../src/store/wfmLogRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/** Past what a 32-bit id holds (2,147,483,647): a month of a busy site's log appends. */
const PAST_32_BITS = 3_000_000_000;

describe.each(STORE_BACKENDS)('log ids past 32 bits ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('are given, read back as numbers and rolled up past, as any other id', async () => {
    // The log's next id is made to start past 32 bits, as after a month of appends.
    if (store.dialect === 'postgres') await sql`select setval(pg_get_serial_sequence('agent_state_log', 'id'), ${PAST_32_BITS})`.execute(store.db);
    else await sql`insert into sqlite_sequence (name, seq) values ('agent_state_log', ${PAST_32_BITS})`.execute(store.db);
    const entry = { agentId: 'ann', reasonCode: null, interactionId: null, source: 'teams' as const, eventKey: null };
    await appendStateLog(store.db, { ...entry, state: 'Available', startedAt: '2026-12-07T08:00:00.000Z' }, '2026-12-07T08:00:00.000Z');
    await appendStateLog(store.db, { ...entry, state: 'Unavailable', startedAt: '2026-12-07T08:10:00.000Z' }, '2026-12-07T08:10:00.000Z');

    const ids = (await store.db.selectFrom('agent_state_log').select('id').orderBy('id').execute()).map((row) => row.id);
    expect(ids).toEqual([PAST_32_BITS + 1, PAST_32_BITS + 2]);
    expect(await catchUpRollups(store.db)).toBe(2);
    const cursor = await store.db.selectFrom('wfm_rollup_cursor').select('last_id').where('log', '=', 'agent_state_log').executeTakeFirstOrThrow();
    expect(cursor.last_id).toBe(PAST_32_BITS + 2);
    const latest = await store.db.selectFrom('wfm_agent_latest').selectAll().where('agent_id', '=', 'ann').executeTakeFirstOrThrow();
    expect(latest).toMatchObject({ log_id: PAST_32_BITS + 2, state: 'Unavailable' });
    const closed = await store.db.selectFrom('wfm_agent_interval_states').select(['state', 'ms']).where('agent_id', '=', 'ann').execute();
    expect(closed).toEqual([{ state: 'Available', ms: 600_000 }]);
  });
});
