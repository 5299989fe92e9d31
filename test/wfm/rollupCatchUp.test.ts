import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { RollupCatchUp } from '../../src/wfm/rollupCatchUp.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/** The background loop rolls up what the appends wrote, with no report read to bring it up to date. */
describe.each(STORE_BACKENDS)('the rollups catch-up loop ($name)', (backend) => {
  let store: TestStore;
  let unit: UnitOfWork;
  let loop: RollupCatchUp | undefined;
  beforeEach(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
  });
  afterEach(async () => {
    await loop?.stop();
    await store.dispose();
  });

  const cursor = async () => (await store.db.selectFrom('wfm_rollup_cursor').select(['log', 'last_id']).orderBy('log').execute()).map((row) => [row.log, Number(row.last_id)]);
  const stateAt = (startedAt: string, state: 'Available' | 'Working') => ({ agentId: 'ann', state, reasonCode: null, startedAt, interactionId: null, source: 'teams' as const });

  it('rolls up the appends while it runs, and nothing once stopped', async () => {
    const logger = { error: vi.fn() };
    loop = new RollupCatchUp({ unit, logger: logger as unknown as ConstructorParameters<typeof RollupCatchUp>[0]['logger'], pollMs: 20 });
    await unit.repos.wfmLog.appendState(stateAt('2026-03-29T01:00:00.000Z', 'Available'), '2026-03-29T01:00:00.000Z');
    await unit.repos.wfmLog.appendState(stateAt('2026-03-29T01:05:00.000Z', 'Working'), '2026-03-29T01:05:00.000Z');
    // Appended, not rolled up: the append writes its log row alone.
    expect(await store.db.selectFrom('wfm_agent_latest').selectAll().execute()).toEqual([]);
    loop.start();
    await expect.poll(cursor, { timeout: 5000, interval: 20 }).toEqual([
      ['agent_state_log', 2],
      ['contact_log', 0],
    ]);
    // PostgreSQL gives bigint counters as text.
    const states = await store.db.selectFrom('wfm_agent_interval_states').select(['interval_start', 'state', 'ms']).execute();
    expect(states.map((row) => ({ ...row, ms: Number(row.ms) }))).toEqual([{ interval_start: '2026-03-29T01:00:00.000Z', state: 'Available', ms: 300_000 }]);
    await loop.stop();
    await unit.repos.wfmLog.appendState(stateAt('2026-03-29T01:10:00.000Z', 'Available'), '2026-03-29T01:10:00.000Z');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await cursor())[0]).toEqual(['agent_state_log', 2]);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
