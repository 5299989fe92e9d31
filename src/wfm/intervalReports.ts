import { invalidInput } from '../domain/errors.js';
import type { AgentIntervalRow, Interval, SkillIntervalRow } from '../domain/wfm.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { AgentActivityTally } from './agentActivity.js';
import { clipToIntervals, isBoundary } from './intervalMath.js';
import type { IntervalReports } from './ports.js';
import { skillIntervalsFrom } from './skillIntervals.js';
import type { WfmConfig } from './wfmConfig.js';

/** The longest span one request may ask for: a month of intervals (2,976 of them, 3,000 with DST). */
/** A month of intervals at most: 31 days, and the hour a DST change adds to one of them (a month of site days asked as dates). */
export const MAX_RANGE_DAYS = 31;
export const MAX_RANGE_MS = MAX_RANGE_DAYS * 86_400_000 + 3_600_000;
const MAX_SKILL_LENGTH = 200;

/**
 * The interval reports (issue 15), read from the rollups (wfmRollupRepository.ts), never from the raw logs: a
 * day of a busy site is a few thousand rollup rows. Each read first brings the rollups up to every log entry
 * committed before it (the catch-up), so it is exact. Every interval of the range is given,
 * an empty one with `rows: []`. Agents' open spans (their latest state, until now) are added here, as only closed
 * spans are rolled up.
 */
export class IntervalReportsService implements IntervalReports {
  constructor(
    private readonly unit: UnitOfWork,
    private readonly config: Pick<WfmConfig, 'siteTimeZone' | 'serviceLevelSeconds'>,
    private readonly clock: () => Date,
  ) {}

  async skillIntervals(from: Date, to: Date, skill?: string): Promise<Interval<SkillIntervalRow>[]> {
    const range = checkedRange(from, to);
    if (skill !== undefined && (typeof skill !== 'string' || skill.length > MAX_SKILL_LENGTH)) throw invalidInput(`skill: at most ${MAX_SKILL_LENGTH} characters`, { field: 'skill' });
    await this.unit.repos.wfmRollups.catchUp();
    const totals = await this.unit.repos.wfmRollups.skillTotalsBetween(iso(range.from), iso(range.to), this.config.serviceLevelSeconds, skill);
    return skillIntervalsFrom(totals, range.from, range.to, this.config.siteTimeZone);
  }

  async agentActivity(from: Date, to: Date): Promise<Interval<AgentIntervalRow>[]> {
    const range = checkedRange(from, to);
    await this.unit.repos.wfmRollups.catchUp();
    const now = this.clock().getTime();
    const rollups = this.unit.repos.wfmRollups;
    // A day is ~200,000 pieces: each read puts them straight into the rows (no piece kept in between).
    const tally = new AgentActivityTally(range);
    const [, open] = await Promise.all([
      rollups.agentStateMsBetween(iso(range.from), iso(range.to), tally),
      // Only a span that began before the range's end (and before now) can reach into it.
      rollups.openSpansBefore(iso(Math.min(range.to, now))),
      rollups.agentContactsBetween(iso(range.from), iso(range.to), tally),
    ]);
    for (const span of open) {
      for (const piece of clipToIntervals(Math.max(span.startedAt, range.from), Math.min(now, range.to))) tally.addStateMs(piece.start, span.agentId, span.state, span.reasonCode, piece.ms);
    }
    const names = await rollups.agentNames(tally.agentIds());
    return tally.intervals(names, this.config.siteTimeZone);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** [from, to) as epoch ms, or invalidInput naming the field: both on 15-minute boundaries, from < to, at most 31 days. */
export function checkedRange(from: Date, to: Date): { from: number; to: number } {
  const start = from instanceof Date ? from.getTime() : NaN;
  const end = to instanceof Date ? to.getTime() : NaN;
  if (Number.isNaN(start)) throw invalidInput('from: expected an instant', { field: 'from' });
  if (Number.isNaN(end)) throw invalidInput('to: expected an instant', { field: 'to' });
  if (!isBoundary(start)) throw invalidInput('from: must be on a 15-minute boundary (:00, :15, :30 or :45, no seconds)', { field: 'from' });
  if (!isBoundary(end)) throw invalidInput('to: must be on a 15-minute boundary (:00, :15, :30 or :45, no seconds)', { field: 'to' });
  if (end <= start) throw invalidInput('to: must be after from', { field: 'to' });
  if (end - start > MAX_RANGE_MS) throw invalidInput(`to: at most ${MAX_RANGE_DAYS} days after from`, { field: 'to' });
  return { from: start, to: end };
}
