import { describe, expect, it } from 'vitest';
import type { AgentAdherence, Interval, SkillIntervalRow } from '../../src/domain/wfm.js';
import { SiteDayReports } from '../../src/wfm/dayReports.js';
import type { AdherenceReports, IntervalAdherence, IntervalReports } from '../../src/wfm/ports.js';
import { addDays, isCalendarDate, siteDateOf, siteDayRange } from '../../src/wfm/siteDay.js';

const QUARTER = 15 * 60_000;

function row(skill: string, figures: Partial<SkillIntervalRow>): SkillIntervalRow {
  return {
    skill,
    channel: 'voice',
    offered: 0,
    handled: 0,
    abandoned: 0,
    averageSpeedOfAnswerSeconds: null,
    averageHandleTimeSeconds: null,
    serviceLevelPercent: null,
    ...figures,
  };
}

function agent(name: string, scheduledSeconds: number, inAdherenceSeconds: number): AgentAdherence {
  return {
    agentId: `id-${name}`,
    agentName: name,
    scheduledSeconds,
    inAdherenceSeconds,
    outOfAdherenceMinutes: Math.round((scheduledSeconds - inAdherenceSeconds) / 60),
    adherencePercent: scheduledSeconds ? Math.round((inAdherenceSeconds / scheduledSeconds) * 1000) / 10 : null,
  };
}

/** Fakes of the two ports: every interval of [from, to), with the given rows at the given starts; they record what was asked. */
function fakes(rowsAt: Record<string, SkillIntervalRow[]>, adherenceAt: Record<string, number>, agents: AgentAdherence[]) {
  const asked: Array<{ from: string; to: string; skill?: string }> = [];
  const intervals: IntervalReports = {
    async skillIntervals(from, to, skill) {
      asked.push({ from: from.toISOString(), to: to.toISOString(), skill });
      const list: Interval<SkillIntervalRow>[] = [];
      for (let t = from.getTime(); t < to.getTime(); t += QUARTER) {
        const start = new Date(t).toISOString();
        list.push({ start, end: new Date(t + QUARTER).toISOString(), localStart: start, rows: (rowsAt[start] ?? []).filter((r) => !skill || r.skill === skill) });
      }
      return list;
    },
    agentActivity: async () => [],
  };
  const adherence: AdherenceReports = {
    agentAdherence: async () => agents,
    intervalAdherence: async (from, to) => {
      const list: IntervalAdherence[] = [];
      for (let t = from.getTime(); t < to.getTime(); t += QUARTER) list.push({ start: new Date(t).toISOString(), adherencePercent: adherenceAt[new Date(t).toISOString()] ?? null });
      return list;
    },
  };
  return { intervals, adherence, asked };
}

describe('the site day', () => {
  it('runs from local midnight to the next: 96 intervals, or 92 and 100 on the DST days', () => {
    const paris = (date: string) => siteDayRange(date, 'Europe/Paris');
    expect(paris('2026-12-07')).toEqual({ start: new Date('2026-12-06T23:00:00.000Z'), end: new Date('2026-12-07T23:00:00.000Z') });
    const spring = paris('2026-03-29');
    expect((spring.end.getTime() - spring.start.getTime()) / QUARTER).toBe(92);
    const autumn = paris('2026-10-25');
    expect((autumn.end.getTime() - autumn.start.getTime()) / QUARTER).toBe(100);
    expect(siteDayRange('2026-12-07', 'UTC').start.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(siteDayRange('2026-12-07', 'America/New_York').start.toISOString()).toBe('2026-12-07T05:00:00.000Z');
    expect(siteDayRange('2026-12-07', 'Asia/Kolkata').start.toISOString()).toBe('2026-12-06T18:30:00.000Z');
  });

  it('starts when the clocks jump where a DST change skips midnight (America/Santiago, 6 Sep 2026)', () => {
    const { start, end } = siteDayRange('2026-09-06', 'America/Santiago');
    expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z'); // 01:00 -03, the first local time of the day
    expect(end.toISOString()).toBe('2026-09-07T03:00:00.000Z');
  });

  it('names the local date of an instant, and the day before', () => {
    expect(siteDateOf(new Date('2026-12-06T23:30:00Z'), 'Europe/Paris')).toBe('2026-12-07');
    expect(siteDateOf(new Date('2026-12-06T23:30:00Z'), 'UTC')).toBe('2026-12-06');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
    expect(() => siteDayRange('2026-13-01', 'UTC')).toThrow(/date: must be a calendar date/);
  });
});

describe('SiteDayReports', () => {
  const day = '2026-12-07';
  const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00.000Z`).toISOString();

  it('sums the skill rows of each interval, weighting ASA and AHT by the contacts answered and SL by those offered', async () => {
    const { intervals, adherence, asked } = fakes(
      {
        [at('08:00')]: [
          row('Billing', { offered: 4, handled: 3, abandoned: 1, averageSpeedOfAnswerSeconds: 10, averageHandleTimeSeconds: 300, serviceLevelPercent: 50 }),
          row('Sales', { offered: 1, handled: 1, averageSpeedOfAnswerSeconds: 30, averageHandleTimeSeconds: 100, serviceLevelPercent: 100 }),
          row('Chat', { offered: 2, abandoned: 2, serviceLevelPercent: 0 }),
        ],
        [at('08:15')]: [row('Billing', { offered: 1, handled: 1, averageSpeedOfAnswerSeconds: 5, averageHandleTimeSeconds: null, serviceLevelPercent: 100 })],
      },
      { [at('08:00')]: 75, [at('08:15')]: 100 },
      [agent('Bo', 3600, 3600), agent('Ann', 3600, 1800), agent('Cy', 0, 0)],
    );
    const report = await new SiteDayReports({ intervals, adherence, siteTimeZone: 'UTC' }).day(day, null);

    expect(asked).toEqual([{ from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', skill: undefined }]);
    expect(report.intervals).toHaveLength(96);
    const eight = report.intervals.find((i) => i.start === at('08:00'));
    expect(eight).toEqual({
      start: at('08:00'),
      localStart: at('08:00'),
      offered: 7,
      handled: 4,
      abandoned: 3,
      averageSpeedOfAnswerSeconds: 15, // (10×3 + 30×1) / 4
      averageHandleTimeSeconds: 250, // (300×3 + 100×1) / 4
      serviceLevelPercent: 42.9, // (50×4 + 100×1 + 0×2) / 7
      adherencePercent: 75,
    });
    expect(report.intervals.find((i) => i.start === at('09:00'))).toMatchObject({ offered: 0, averageSpeedOfAnswerSeconds: null, serviceLevelPercent: null, adherencePercent: null });
    expect(report.totals).toEqual({
      offered: 8,
      handled: 5,
      abandoned: 3,
      averageSpeedOfAnswerSeconds: 13, // (30 + 30 + 5) / 5
      averageHandleTimeSeconds: 250, // the 08:15 contact has not finished: no AHT to weigh
      serviceLevelPercent: 50, // (200 + 100 + 0 + 100) / 8
      adherencePercent: 75, // 5400 of 7200 scheduled seconds
    });
    expect(report.worstAdherence?.agentName).toBe('Ann');
    expect(report).toMatchObject({ date: day, siteTimeZone: 'UTC', skill: null });
  });

  it('asks for one skill when given, and says nobody was scheduled when nobody was', async () => {
    const { intervals, adherence, asked } = fakes(
      { [at('08:00')]: [row('Billing', { offered: 2, handled: 2, averageSpeedOfAnswerSeconds: 4, serviceLevelPercent: 100 }), row('Sales', { offered: 9 })] },
      {},
      [],
    );
    const report = await new SiteDayReports({ intervals, adherence, siteTimeZone: 'Europe/Paris' }).day(day, 'Billing');
    expect(asked[0]).toEqual({ from: '2026-12-06T23:00:00.000Z', to: '2026-12-07T23:00:00.000Z', skill: 'Billing' });
    expect(report.totals).toMatchObject({ offered: 2, handled: 2, averageSpeedOfAnswerSeconds: 4, averageHandleTimeSeconds: null, serviceLevelPercent: 100, adherencePercent: null });
    expect(report.worstAdherence).toBeNull();
    expect(report.skill).toBe('Billing');
  });

  it('an empty day is every interval with zeros, not an error', async () => {
    const { intervals, adherence } = fakes({}, {}, []);
    const report = await new SiteDayReports({ intervals, adherence, siteTimeZone: 'Europe/Paris' }).day('2026-10-25', null);
    expect(report.intervals).toHaveLength(100);
    expect(report.totals).toEqual({ offered: 0, handled: 0, abandoned: 0, averageSpeedOfAnswerSeconds: null, averageHandleTimeSeconds: null, serviceLevelPercent: null, adherencePercent: null });
  });

  it('refuses a date that is not one, naming the field', async () => {
    const { intervals, adherence } = fakes({}, {}, []);
    await expect(new SiteDayReports({ intervals, adherence, siteTimeZone: 'UTC' }).day('2026-02-30', null)).rejects.toThrow(/^date: /);
  });
});
