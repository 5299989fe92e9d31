import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { localDay } from '../../src/wfm/intervalMath.js';
import { IntervalReportsService } from '../../src/wfm/intervalReports.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const NOW = new Date('2026-10-25T20:00:00.000Z');

describe.each(STORE_BACKENDS)('the interval reports service ($name)', (backend) => {
  let store: TestStore;
  let reports: IntervalReportsService;
  beforeEach(async () => {
    store = await backend.open();
    reports = new IntervalReportsService(new UnitOfWork(store.db), { siteTimeZone: 'Europe/Paris', serviceLevelSeconds: 20 }, () => NOW);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const refusal = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return { code: (error as AppError).code, message: (error as AppError).message };
  };

  it('refuses a range off the boundaries, backwards, empty or longer than 31 days, naming the field', async () => {
    const at = (text: string) => new Date(text);
    expect(await refusal(reports.skillIntervals(at('2026-10-25T10:07:00Z'), at('2026-10-25T11:00:00Z')))).toEqual({
      code: 'invalid_input',
      message: expect.stringMatching(/^from: must be on a 15-minute boundary/),
    });
    expect(await refusal(reports.agentActivity(at('2026-10-25T10:00:00Z'), at('2026-10-25T11:00:00.001Z')))).toEqual({
      code: 'invalid_input',
      message: expect.stringMatching(/^to: must be on a 15-minute boundary/),
    });
    expect(await refusal(reports.skillIntervals(at('2026-10-25T11:00:00Z'), at('2026-10-25T10:00:00Z')))).toEqual({ code: 'invalid_input', message: 'to: must be after from' });
    expect(await refusal(reports.skillIntervals(at('2026-10-25T11:00:00Z'), at('2026-10-25T11:00:00Z')))).toEqual({ code: 'invalid_input', message: 'to: must be after from' });
    expect(await refusal(reports.agentActivity(at('2026-10-01T00:00:00Z'), at('2026-11-01T01:15:00Z')))).toEqual({ code: 'invalid_input', message: 'to: at most 31 days after from' });
    expect(await refusal(reports.agentActivity(new Date(NaN), at('2026-10-25T11:00:00Z')))).toEqual({ code: 'invalid_input', message: 'from: expected an instant' });
    expect(await refusal(reports.skillIntervals(at('2026-10-25T10:00:00Z'), at('2026-10-25T11:00:00Z'), 'x'.repeat(201)))).toEqual({ code: 'invalid_input', message: 'skill: at most 200 characters' });
    // 31 days is allowed, and the hour a DST change adds to one of them (October in Paris asked as dates).
    expect(await reports.skillIntervals(at('2026-10-01T00:00:00Z'), at('2026-11-01T00:00:00Z'))).toHaveLength(31 * 96);
    expect(await reports.skillIntervals(at('2026-09-30T22:00:00Z'), at('2026-10-31T23:00:00Z'))).toHaveLength(31 * 96 + 4);
  });

  it('gives every interval of a DST day with nothing on record, each with no rows and its local label', async () => {
    const day = localDay('2026-10-25', 'Europe/Paris');
    const skills = await reports.skillIntervals(new Date(day.start), new Date(day.end));
    const agents = await reports.agentActivity(new Date(day.start), new Date(day.end));
    expect(skills).toHaveLength(100);
    expect(agents).toHaveLength(100);
    expect(skills.every((i) => i.rows.length === 0) && agents.every((i) => i.rows.length === 0)).toBe(true);
    expect(agents.map((i) => i.localStart).slice(11, 13)).toEqual(['2026-10-25T02:45:00+02:00', '2026-10-25T02:00:00+01:00']);
  });

  it("counts an agent's current state up to now, and not in the intervals after it", async () => {
    const unit = new UnitOfWork(store.db);
    await unit.repos.agents.upsert('ann', 'Ann Lee', '2026-10-25T19:00:00.000Z');
    await unit.repos.wfmLog.appendState(
      { agentId: 'ann', state: 'Available', reasonCode: null, startedAt: '2026-10-25T20:40:00+01:00', interactionId: null, source: 'teams' },
      '2026-10-25T19:40:00.000Z',
    );
    // Kept as UTC with milliseconds whatever form it came in: the store compares times as text.
    expect(await store.db.selectFrom('agent_state_log').select('started_at').execute()).toEqual([{ started_at: '2026-10-25T19:40:00.000Z' }]);
    const intervals = await reports.agentActivity(new Date('2026-10-25T19:30:00Z'), new Date('2026-10-25T20:30:00Z'));
    expect(intervals.map((i) => i.rows.map((r) => [r.agentName, r.states]))).toEqual([
      [['Ann Lee', [{ state: 'Available', reasonCode: null, seconds: 300 }]]],
      [['Ann Lee', [{ state: 'Available', reasonCode: null, seconds: 900 }]]],
      [],
      [],
    ]);
  });

  it('gives back a reason code with tabs, line breaks and backslashes as it was sent', async () => {
    const unit = new UnitOfWork(store.db);
    const reasonCode = 'Tab\there\\n\nnext \\ line';
    await unit.repos.wfmLog.appendState({ agentId: 'cy', state: 'Unavailable', reasonCode, startedAt: '2026-10-25T19:00:00.000Z', interactionId: null, source: 'acd' }, '2026-10-25T19:00:00.000Z');
    await unit.repos.wfmLog.appendState({ agentId: 'cy', state: 'Available', reasonCode: null, startedAt: '2026-10-25T19:10:00.000Z', interactionId: null, source: 'acd' }, '2026-10-25T19:10:00.000Z');
    const intervals = await reports.agentActivity(new Date('2026-10-25T19:00:00Z'), new Date('2026-10-25T19:15:00Z'));
    expect(intervals[0]!.rows).toEqual([
      {
        agentId: 'cy',
        agentName: 'cy',
        states: [
          { state: 'Available', reasonCode: null, seconds: 300 },
          { state: 'Unavailable', reasonCode, seconds: 600 },
        ],
        contactsHandled: 0,
        handleTimeSeconds: 0,
      },
    ]);
  });
});
