import type { DayReport, DayReportInterval } from '../domain/wfm.js';
import { toCsv, type CsvCell } from './csv.js';
import { CONTACT_FIGURE_COLUMNS } from './intervalCsv.js';

/** The `report` card's CSV (written by csv.ts, the WFM API's writer: RFC 4180, formulas defused). */

const HEADER = ['interval_start_utc', 'interval_start_local', 'skill', ...CONTACT_FIGURE_COLUMNS, 'adherence_percent'];

const figures = (i: Omit<DayReportInterval, 'start' | 'localStart'>): CsvCell[] => [
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
  const skill = report.skill ?? 'all';
  return toCsv(HEADER, [...report.intervals.map((i) => [i.start, i.localStart, skill, ...figures(i)]), ['total', report.date, skill, ...figures(report.totals)]]);
}

/** "report-2026-12-07.csv", "report-2026-12-07-Billing.csv": the skill kept to letters, digits, - and _. */
export function dayReportFileName(target: { date: string; skill: string | null }): string {
  const skill = target.skill?.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  return `report-${target.date}${skill ? `-${skill}` : ''}.csv`;
}
