import type { AgentIntervalRow, Interval, SkillIntervalRow } from '../domain/wfm.js';
import { toCsv, type CsvCell } from './csv.js';

/**
 * The interval reports as CSV, for WFM systems that import files: one line per interval and row, and an
 * interval with no row still has its line (its times, empty names, zero counts), so a file always holds
 * every interval asked for. Times are as in JSON: UTC, and the site's local start with its offset.
 */

const TIMES = ['interval_start', 'interval_end', 'local_start'] as const;
const timesOf = (interval: Interval<unknown>): CsvCell[] => [interval.start, interval.end, interval.localStart];

/** The contact figures' columns, in the order of SkillIntervalRow (the report card's CSV uses them too). */
export const CONTACT_FIGURE_COLUMNS = ['offered', 'handled', 'abandoned', 'average_speed_of_answer_seconds', 'average_handle_time_seconds', 'service_level_percent'] as const;

export const SKILL_INTERVAL_COLUMNS = [...TIMES, 'skill', 'channel', ...CONTACT_FIGURE_COLUMNS] as const;

export function skillIntervalsCsv(intervals: ReadonlyArray<Interval<SkillIntervalRow>>): string {
  const lines = intervals.flatMap((interval): CsvCell[][] =>
    interval.rows.length
      ? interval.rows.map((r) => [...timesOf(interval), r.skill, r.channel, r.offered, r.handled, r.abandoned, r.averageSpeedOfAnswerSeconds, r.averageHandleTimeSeconds, r.serviceLevelPercent])
      : [[...timesOf(interval), '', '', 0, 0, 0, null, null, null]],
  );
  return toCsv(SKILL_INTERVAL_COLUMNS, lines);
}

export const AGENT_ACTIVITY_COLUMNS = [
  ...TIMES,
  'agent_id',
  'agent_name',
  'available_seconds',
  'working_seconds',
  'acw_seconds',
  'unavailable_seconds',
  'unavailable_reasons',
  'contacts_handled',
  'handle_time_seconds',
] as const;

/**
 * One line per interval and agent: seconds per state, and Unavailable's seconds by reason code in one cell
 * ("Break:300;Lunch:600", by reason; Unavailable with no reason counts in unavailable_seconds only).
 */
export function agentActivityCsv(intervals: ReadonlyArray<Interval<AgentIntervalRow>>): string {
  const lines = intervals.flatMap((interval): CsvCell[][] =>
    interval.rows.length
      ? interval.rows.map((r) => {
          const seconds = (state: string) => r.states.filter((s) => s.state === state).reduce((sum, s) => sum + s.seconds, 0);
          const reasons = new Map<string, number>();
          for (const s of r.states) if (s.state === 'Unavailable' && s.reasonCode) reasons.set(s.reasonCode, (reasons.get(s.reasonCode) ?? 0) + s.seconds);
          const byReason = [...reasons]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([reason, n]) => `${reason}:${n}`)
            .join(';');
          return [...timesOf(interval), r.agentId, r.agentName, seconds('Available'), seconds('Working'), seconds('ACW'), seconds('Unavailable'), byReason, r.contactsHandled, r.handleTimeSeconds];
        })
      : [[...timesOf(interval), '', '', 0, 0, 0, 0, '', 0, 0]],
  );
  return toCsv(AGENT_ACTIVITY_COLUMNS, lines);
}
