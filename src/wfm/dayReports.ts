import type { AgentAdherence, DayReport, DayReportInterval, Interval, SkillIntervalRow } from '../domain/wfm.js';
import type { AdherenceReports, DayReports, IntervalReports } from './ports.js';
import { siteDayRange } from './siteDay.js';

type Figures = Omit<DayReportInterval, 'start' | 'localStart' | 'adherencePercent'>;

/** A weighted mean kept as a sum of value × weight and a sum of weights. */
class WeightedMean {
  private sum = 0;
  private weight = 0;
  add(value: number | null, weight: number): void {
    if (value === null || weight <= 0) return;
    this.sum += value * weight;
    this.weight += weight;
  }
  value(): number | null {
    return this.weight > 0 ? round1(this.sum / this.weight) : null;
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * Every skill row together: counts add up; ASA is weighted by the contacts answered, SL by those offered.
 * AHT is weighted by those answered too: a row does not say how many of its answered contacts have finished
 * their work, and those are the contacts its AHT averages (so a row with unfinished contacts weighs a little more).
 */
function combine(rows: readonly SkillIntervalRow[]): Figures {
  let offered = 0;
  let handled = 0;
  let abandoned = 0;
  const asa = new WeightedMean();
  const aht = new WeightedMean();
  const serviceLevel = new WeightedMean();
  for (const row of rows) {
    offered += row.offered;
    handled += row.handled;
    abandoned += row.abandoned;
    asa.add(row.averageSpeedOfAnswerSeconds, row.handled);
    aht.add(row.averageHandleTimeSeconds, row.handled);
    serviceLevel.add(row.serviceLevelPercent, row.offered);
  }
  return { offered, handled, abandoned, averageSpeedOfAnswerSeconds: asa.value(), averageHandleTimeSeconds: aht.value(), serviceLevelPercent: serviceLevel.value() };
}

/** The day's adherence: in-adherence time over scheduled time, every scheduled agent together. */
function dayAdherence(agents: readonly AgentAdherence[]): number | null {
  const scheduled = agents.reduce((sum, a) => sum + a.scheduledSeconds, 0);
  const kept = agents.reduce((sum, a) => sum + a.inAdherenceSeconds, 0);
  return scheduled > 0 ? round1((kept / scheduled) * 100) : null;
}

/** Lowest percentage; of equals, the one out of adherence longest, then by name so the answer is stable. */
function worstOf(agents: readonly AgentAdherence[]): AgentAdherence | null {
  const scheduled = agents.filter((a): a is AgentAdherence & { adherencePercent: number } => a.adherencePercent !== null);
  scheduled.sort((a, b) => a.adherencePercent - b.adherencePercent || b.outOfAdherenceMinutes - a.outOfAdherenceMinutes || a.agentName.localeCompare(b.agentName));
  return scheduled[0] ?? null;
}

/**
 * The supervisor's day report (`report today|yesterday|<date> [skill]`), over the interval and adherence
 * reports: the site-local day's intervals with every skill's rows summed, the day's totals, and the agent who
 * kept to their schedule least.
 */
export class SiteDayReports implements DayReports {
  constructor(private readonly deps: { intervals: IntervalReports; adherence: AdherenceReports; siteTimeZone: string }) {}

  async day(date: string, skill: string | null): Promise<DayReport> {
    const { start, end } = siteDayRange(date, this.deps.siteTimeZone);
    const [intervals, adherence, agents] = await Promise.all([
      this.deps.intervals.skillIntervals(start, end, skill ?? undefined),
      this.deps.adherence.intervalAdherence(start, end),
      this.deps.adherence.agentAdherence(start, end),
    ]);
    const adherenceAt = new Map(adherence.map((a) => [Date.parse(a.start), a.adherencePercent]));
    const lines = intervals.map((interval: Interval<SkillIntervalRow>) => ({
      start: interval.start,
      localStart: interval.localStart,
      ...combine(interval.rows),
      adherencePercent: adherenceAt.get(Date.parse(interval.start)) ?? null,
    }));
    return {
      date,
      siteTimeZone: this.deps.siteTimeZone,
      skill,
      intervals: lines,
      totals: { ...combine(intervals.flatMap((i) => i.rows)), adherencePercent: dayAdherence(agents) },
      worstAdherence: worstOf(agents),
    };
  }
}
