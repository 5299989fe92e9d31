import type { DayReport, DayReportInterval } from '../domain/wfm.js';

/*
 * The `report` card's CSV: a small RFC 4180 writer of its own (src/wfm/csv.ts, the WFM API's, was not on main
 * when this was written; one of them should go when both are).
 */

type Cell = string | number | null;

/** A field quoted when it holds a comma, a quote or a line break, quotes doubled (RFC 4180); null is empty. */
function field(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(cells: readonly Cell[]): string {
  return `${cells.map(field).join(',')}\r\n`;
}

const HEADER = [
  'interval_start_utc',
  'interval_start_local',
  'skill',
  'offered',
  'handled',
  'abandoned',
  'average_speed_of_answer_seconds',
  'average_handle_time_seconds',
  'service_level_percent',
  'adherence_percent',
];

const figures = (i: Omit<DayReportInterval, 'start' | 'localStart'>): Cell[] => [
  i.offered,
  i.handled,
  i.abandoned,
  i.averageSpeedOfAnswerSeconds,
  i.averageHandleTimeSeconds,
  i.serviceLevelPercent,
  i.adherencePercent,
];

/** A header, one line per interval (empty ones too), and a last line "total" with the day's totals. */
export function dayReportCsv(report: DayReport): string {
  // The skill is a supervisor's text: a leading = + - @ would make a spreadsheet read it as a formula.
  const skill = report.skill ? report.skill.replace(/^[=+\-@\t\r]/, "'$&") : 'all';
  return [HEADER, ...report.intervals.map((i) => [i.start, i.localStart, skill, ...figures(i)]), ['total', report.date, skill, ...figures(report.totals)]].map(line).join('');
}

/** "report-2026-12-07.csv", "report-2026-12-07-Billing.csv": the skill kept to letters, digits, - and _. */
export function dayReportFileName(target: { date: string; skill: string | null }): string {
  const skill = target.skill?.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  return `report-${target.date}${skill ? `-${skill}` : ''}.csv`;
}
