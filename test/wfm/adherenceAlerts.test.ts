import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentStateName } from '../../src/domain/agentState.js';
import { openStore, type Store } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { AdherenceAlerts, type AdherenceAlertsDeps } from '../../src/wfm/adherenceAlerts.js';
import { scheduleImporter } from '../../src/wfm/scheduleImport.js';
import { wfmConfigFrom } from '../../src/wfm/wfmConfig.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const at = (time: string) => new Date(`2026-12-07T${time}.000Z`);

describe.each(STORE_BACKENDS)('adherence alerts to supervisors ($name)', (backend) => {
  let store: TestStore;
  let unit: UnitOfWork;
  let now: Date;
  let told: Array<[string, string]>;
  let logger: { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> };
  const config = wfmConfigFrom({ WFM_SITE_TIME_ZONE: 'Europe/Paris', WFM_ALERT_MAX_PER_HOUR: '3' });

  const alerts = (overrides: Partial<AdherenceAlertsDeps> = {}) =>
    new AdherenceAlerts({
      unit,
      config,
      supervisorIds: ['boss-1', 'boss-2'],
      tell: async (supervisorId, text) => {
        told.push([supervisorId, text]);
      },
      logger: logger as unknown as AdherenceAlertsDeps['logger'],
      clock: () => now,
      ...overrides,
    });

  /** The agent enters a state at `time`: the agents table and the state log, as the recording does. */
  async function enter(agentId: string, time: string, state: AgentStateName, reasonCode: string | null = null): Promise<void> {
    await unit.repos.agents.setState(agentId, { state, reasonCode, since: at(time).toISOString(), currentInteractionId: null });
    await unit.repos.wfmLog.appendState({ agentId, state, reasonCode, startedAt: at(time).toISOString(), interactionId: null, source: 'acd' }, at(time).toISOString());
  }

  beforeEach(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
    now = at('08:00:00');
    told = [];
    logger = { warn: vi.fn(), error: vi.fn() };
    for (const [id, name] of [
      ['ann', 'Ann Lee'],
      ['bo', 'Bo Chen'],
      ['cy', 'Cy Diaz'],
      ['di', 'Di Eng'],
    ]) {
      await unit.repos.agents.upsert(id!, name!, now.toISOString());
      await enter(id!, '08:00:00', 'Available');
    }
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('tells every supervisor once when an agent stays in ACW past its limit, and once again for a new episode only', async () => {
    await enter('ann', '10:02:00', 'ACW');
    now = at('10:06:59');
    expect(await alerts().check()).toBe(0);
    now = at('10:08:10');
    expect(await alerts().check()).toBe(1);
    expect(told).toEqual([
      ['boss-1', 'Ann Lee has been in After Call Work for 6 min (since 11:02 Europe/Paris).'],
      ['boss-2', 'Ann Lee has been in After Call Work for 6 min (since 11:02 Europe/Paris).'],
    ]);
    // Later rounds, and a restarted instance, know the episode was alerted.
    now = at('10:20:00');
    expect(await alerts().check()).toBe(0);
    await enter('ann', '10:21:00', 'Available');
    await enter('ann', '10:25:00', 'ACW');
    now = at('10:31:00');
    expect(await alerts().check()).toBe(1);
    expect(told.at(-1)).toEqual(['boss-2', 'Ann Lee has been in After Call Work for 6 min (since 11:25 Europe/Paris).']);
  });

  it('tells supervisors when an agent stays out of adherence, from when it began', async () => {
    await scheduleImporter({ unit, clock: () => now }).importSchedule(
      JSON.stringify([
        { agent: 'ann', activity: 'Phone', start: '2026-12-07T09:00:00Z', end: '2026-12-07T12:00:00Z' },
        { agent: 'ann', activity: 'Lunch', start: '2026-12-07T12:00:00Z', end: '2026-12-07T13:00:00Z' },
        { agent: 'bo', activity: 'Lunch', start: '2026-12-07T12:00:00Z', end: '2026-12-07T13:00:00Z' },
        { agent: 'cy', activity: 'Phone', start: '2026-12-07T09:00:00Z', end: '2026-12-07T17:00:00Z' },
      ]),
      'json',
    );
    await enter('bo', '11:58:00', 'Unavailable', 'Lunch');
    now = at('12:04:59');
    expect(await alerts().check()).toBe(0);
    now = at('12:07:30');
    expect(await alerts().check()).toBe(1);
    expect(told.map(([, text]) => text)).toEqual([
      'Ann Lee has been out of adherence for 7 min: scheduled Lunch, is Available.',
      'Ann Lee has been out of adherence for 7 min: scheduled Lunch, is Available.',
    ]);
    now = at('12:30:00');
    expect(await alerts().check()).toBe(0);
    expect(await store.db.selectFrom('wfm_alerts').selectAll().execute()).toEqual([
      { agent_id: 'ann', kind: 'adherence', episode_started_at: '2026-12-07T12:00:00.000Z', sent_at: '2026-12-07T12:07:30.000Z' },
    ]);
  });

  it('sends at most the hourly limit, warns once, and sends the rest when the hour allows', async () => {
    for (const id of ['ann', 'bo', 'cy', 'di']) await enter(id, '10:00:00', 'ACW');
    now = at('10:10:00');
    const loop = alerts();
    expect(await loop.check()).toBe(3);
    now = at('10:20:00');
    expect(await loop.check()).toBe(0);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(told.map(([, text]) => text.split(' has')[0])).toEqual(['Ann Lee', 'Ann Lee', 'Bo Chen', 'Bo Chen', 'Cy Diaz', 'Cy Diaz']);
    now = at('11:10:01');
    expect(await loop.check()).toBe(1);
    expect(told.at(-1)![1]).toBe('Di Eng has been in After Call Work for 70 min (since 11:00 Europe/Paris).');
  });

  it('sends nothing for agents in adherence or under their limits, nor with no supervisor', async () => {
    await scheduleImporter({ unit, clock: () => now }).importSchedule(JSON.stringify([{ agent: 'ann', activity: 'Phone', start: '2026-12-07T08:00:00Z', end: '2026-12-07T17:00:00Z' }]), 'json');
    await enter('bo', '10:00:00', 'ACW');
    now = at('10:04:00');
    expect(await alerts().check()).toBe(0);
    now = at('10:30:00');
    expect(await alerts({ supervisorIds: [] }).check()).toBe(0);
    expect(told).toEqual([]);
    expect(await store.db.selectFrom('wfm_alerts').selectAll().execute()).toEqual([]);
  });

  it('tells the other supervisors when one cannot be told', async () => {
    await enter('ann', '10:00:00', 'ACW');
    now = at('10:10:00');
    const tell = vi.fn(async (supervisorId: string) => {
      if (supervisorId === 'boss-1') throw new Error('Teams said no');
    });
    expect(await alerts({ tell }).check()).toBe(1);
    expect(tell.mock.calls.map(([id]) => id)).toEqual(['boss-1', 'boss-2']);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});

// Two instances of the app on one PostgreSQL. (SQLite serves one instance: better-sqlite3 is synchronous, so two
// connections in one process would wait on each other's lock with the event loop blocked.)
describe.each(STORE_BACKENDS.filter((backend) => backend.name === 'postgres'))('adherence alerts from two instances ($name)', (backend) => {
  let store: TestStore;
  let second: Store;
  const now = at('10:10:00');
  const told: string[] = [];
  const config = wfmConfigFrom({ WFM_SITE_TIME_ZONE: 'Europe/Paris' });
  const loopOn = (db: Store['db']) =>
    new AdherenceAlerts({
      unit: new UnitOfWork(db),
      config,
      supervisorIds: ['boss-1', 'boss-2'],
      tell: async (supervisorId, text) => {
        told.push(`${supervisorId} ${text}`);
      },
      logger: { warn: vi.fn(), error: vi.fn() } as unknown as AdherenceAlertsDeps['logger'],
      clock: () => now,
    });

  beforeEach(async () => {
    store = await backend.open();
    second = await openStore(store.productOptions);
  });
  afterEach(async () => {
    await second.close();
    await store.dispose();
  });

  it('sends each alert once when both check at once', async () => {
    const unit = new UnitOfWork(store.db);
    for (const [id, name] of [
      ['ann', 'Ann Lee'],
      ['bo', 'Bo Chen'],
    ] as const) {
      await unit.repos.agents.upsert(id, name, now.toISOString());
      await unit.repos.agents.setState(id, { state: 'ACW', reasonCode: null, since: at('10:00:00').toISOString(), currentInteractionId: null });
    }
    const counts = await Promise.all([loopOn(store.db).check(), loopOn(second.db).check(), loopOn(store.db).check(), loopOn(second.db).check()]);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(2);
    expect(told.sort()).toEqual([
      'boss-1 Ann Lee has been in After Call Work for 10 min (since 11:00 Europe/Paris).',
      'boss-1 Bo Chen has been in After Call Work for 10 min (since 11:00 Europe/Paris).',
      'boss-2 Ann Lee has been in After Call Work for 10 min (since 11:00 Europe/Paris).',
      'boss-2 Bo Chen has been in After Call Work for 10 min (since 11:00 Europe/Paris).',
    ]);
  });
});
