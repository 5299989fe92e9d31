import { formatWhen } from '../domain/timeZone.js';
import type { DayReport, DayReportInterval } from '../domain/wfm.js';
import { barChartPng, pngDataUri, type ChartBar } from './chartImage.js';
import { card, facts, heading, plain, text, trimText } from './elements.js';
import type { AdaptiveCard, CardElement, Image, Table, TableCell, VerticalBarChart } from './schema/adaptiveCard.js';

/** A day of bars needs the room: Teams draws the card across the chat, not in a bubble. */
const FULL_WIDTH = { msteams: { width: 'Full' as const } };

/** How many of the day's busiest intervals the table lists. */
export const BUSIEST_SHOWN = 6;

const seconds = (value: number | null): string => {
  if (value === null) return '–';
  const whole = Math.round(value);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
};
const percent = (value: number | null): string => (value === null ? '–' : `${value} %`);

/** "08:15" from the interval's local start; a time the clocks go through twice (DST's last hour) is marked the second time. */
function labels(intervals: readonly DayReportInterval[]): string[] {
  const seen = new Set<string>();
  return intervals.map((i) => {
    const time = i.localStart.slice(11, 16);
    const label = seen.has(time) ? `${time} (2)` : time;
    seen.add(time);
    return label;
  });
}

function tickOf(interval: DayReportInterval): ChartBar['tick'] {
  if (interval.localStart.slice(14, 16) !== '00') return undefined;
  return Number(interval.localStart.slice(11, 13)) % 6 === 0 ? 'quarterDay' : 'hour';
}

/** The busiest intervals, most offered first (the earlier of equals first); none when nothing was offered. */
function busiest(intervals: readonly DayReportInterval[], names: readonly string[]): Array<{ label: string; interval: DayReportInterval }> {
  return intervals
    .map((interval, i) => ({ label: names[i]!, interval, i }))
    .filter((x) => x.interval.offered > 0)
    .sort((a, b) => b.interval.offered - a.interval.offered || a.i - b.i)
    .slice(0, BUSIEST_SHOWN);
}

const cell = (value: string, bold = false): TableCell => ({ type: 'TableCell', items: [text(value, bold ? { weight: 'Bolder' } : {})] });

function busiestTable(rows: Array<{ label: string; interval: DayReportInterval }>): Table {
  const header = ['Interval', 'Offered', 'Handled', 'Abandoned', 'SL', 'ASA'];
  return {
    type: 'Table',
    columns: header.map((_, i) => ({ width: i === 0 ? 3 : 2 })),
    firstRowAsHeaders: true,
    showGridLines: false,
    rows: [
      { type: 'TableRow', cells: header.map((h) => cell(h, true)) },
      ...rows.map(({ label, interval: i }) => ({
        type: 'TableRow' as const,
        cells: [cell(label), cell(String(i.offered)), cell(String(i.handled)), cell(String(i.abandoned)), cell(percent(i.serviceLevelPercent)), cell(seconds(i.averageSpeedOfAnswerSeconds))],
      })),
    ],
  };
}

/**
 * The intervals as Teams' bar chart of contacts offered; hosts without charts show the same bars as a PNG
 * (a data: URI: no route to serve, nothing to authorize, and about 3 KB for a day of 100 intervals).
 */
function offeredChart(report: DayReport, names: readonly string[], top: { label: string; interval: DayReportInterval } | undefined): VerticalBarChart {
  const png = barChartPng(
    report.intervals.map((i) => {
      const tick = tickOf(i);
      return { total: i.offered, dark: i.handled, tick, ...(tick === 'quarterDay' ? { label: i.localStart.slice(11, 13) } : {}) };
    }),
  );
  const fallback: Image = {
    type: 'Image',
    url: pngDataUri(png),
    altText: `Contacts offered per 15 minutes, answered part dark${top ? `; busiest ${top.label} with ${top.interval.offered}` : ''}.`,
    size: 'Stretch',
  };
  return {
    type: 'Chart.VerticalBar',
    title: 'Contacts offered per 15 minutes',
    xAxisTitle: `Local time (${report.siteTimeZone})`,
    yAxisTitle: 'Contacts',
    data: report.intervals.map((i, n) => ({ x: names[n]!, y: i.offered })),
    fallback,
  };
}

/** Nothing offered and nobody scheduled: the day has no record to show, and probably no ACD sending events. */
export function isEmptyDay(report: DayReport): boolean {
  return report.totals.offered === 0 && report.worstAdherence === null && report.totals.adherencePercent === null;
}

/**
 * The answer to `report today|yesterday|<date> [skill]`: the day's totals, its intervals as a chart, the
 * busiest of them as a table (the chart's numbers, for every reader and screen reader), who kept to their
 * schedule least, and the CSV of every interval behind "Open CSV" (a signed link: src/wfm/reportLinks.ts).
 */
export function reportCard(report: DayReport, csvUrl: string): AdaptiveCard {
  const day = `${formatWhen(report.date, null)} (${report.siteTimeZone})`;
  const skill = report.skill ? plain(trimText(report.skill, 60)) : null;
  const body: CardElement[] = [heading(`Day report: ${day}`), text(skill ? `Skill: **${skill}**` : 'All skills', { isSubtle: true, spacing: 'None' })];
  const actions = [{ type: 'Action.OpenUrl' as const, title: 'Open CSV', url: csvUrl, tooltip: 'Every 15-minute interval of the day as a CSV file (the link works for 24 hours)' }];

  if (isEmptyDay(report)) {
    body.push(text(`No contacts${skill ? ` for ${skill}` : ''} and no schedules on record for ${day}. Check that the ACD sends events (README "Real calls") and that schedules are published.`));
    return card(body, actions, FULL_WIDTH);
  }

  const t = report.totals;
  body.push(
    facts([
      { title: 'Offered', value: String(t.offered) },
      { title: 'Handled', value: String(t.handled) },
      { title: 'Abandoned', value: String(t.abandoned) },
      { title: 'Service level', value: percent(t.serviceLevelPercent) },
      { title: 'ASA', value: seconds(t.averageSpeedOfAnswerSeconds) },
      { title: 'AHT', value: seconds(t.averageHandleTimeSeconds) },
      { title: 'Adherence', value: percent(t.adherencePercent) },
    ]),
  );
  const worst = report.worstAdherence;
  body.push(
    text(
      worst
        ? `Lowest adherence: **${plain(trimText(worst.agentName, 80))}**, ${percent(worst.adherencePercent)} (${worst.outOfAdherenceMinutes} min out of adherence).`
        : 'Nobody was scheduled that day, so there is no adherence to show.',
    ),
  );

  const names = labels(report.intervals);
  const top = busiest(report.intervals, names);
  body.push(offeredChart(report, names, top[0]));
  if (top.length) body.push(text('Busiest intervals', { weight: 'Bolder', separator: true }), busiestTable(top));
  else body.push(text('No contact was offered that day.', { isSubtle: true }));
  return card(body, actions, FULL_WIDTH);
}
