import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/cards/png.js';
import { CARD_BUDGET_BYTES, cardBytes } from '../../src/cards/budget.js';
import { barChartPng } from '../../src/cards/chartImage.js';
import { BUSIEST_SHOWN, reportCard } from '../../src/cards/reportCard.js';
import type { DayReport, DayReportInterval } from '../../src/domain/wfm.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { cardText } from '../support/botHarness.js';

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; toJSON(): any };
  SerializationContext: new () => object;
};

/** The card as a host without chart elements keeps it: each chart replaced by its fallback. */
function asRendered(card: unknown): any {
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, new AC.SerializationContext());
  return parsed.toJSON();
}

const CSV_URL = 'https://cc.example/api/wfm/report.csv?date=2026-10-25&expires=1&sig=' + 'a'.repeat(64);

/** A day of `count` intervals from local midnight (Europe/Paris, winter), busy in the working hours. */
function day(count: number, busy = true): DayReport {
  const start = Date.parse('2026-10-24T22:00:00.000Z');
  const intervals: DayReportInterval[] = Array.from({ length: count }, (_, i) => {
    const offered = busy && i >= 32 && i < 72 ? 10 + ((i * 7) % 23) : 0;
    const local = new Date(Date.parse('2026-10-25T00:00:00.000Z') + i * 900_000).toISOString().slice(0, 19); // the wall clock
    return {
      start: new Date(start + i * 900_000).toISOString(),
      localStart: `${local}+01:00`,
      offered,
      handled: Math.floor(offered * 0.9),
      abandoned: offered - Math.floor(offered * 0.9),
      averageSpeedOfAnswerSeconds: offered ? 18.5 : null,
      averageHandleTimeSeconds: offered ? 245.2 : null,
      serviceLevelPercent: offered ? 81.3 : null,
      adherencePercent: offered ? 92.1 : null,
    };
  });
  const offered = intervals.reduce((s, i) => s + i.offered, 0);
  return {
    date: '2026-10-25',
    siteTimeZone: 'Europe/Paris',
    skill: null,
    intervals,
    totals: {
      offered,
      handled: intervals.reduce((s, i) => s + i.handled, 0),
      abandoned: intervals.reduce((s, i) => s + i.abandoned, 0),
      averageSpeedOfAnswerSeconds: busy ? 18.5 : null,
      averageHandleTimeSeconds: busy ? 245.2 : null,
      serviceLevelPercent: busy ? 81.3 : null,
      adherencePercent: busy ? 92.1 : null,
    },
    worstAdherence: busy ? { agentId: 'a1', agentName: 'Ann *Lee*', scheduledSeconds: 28_800, inAdherenceSeconds: 21_600, outOfAdherenceMinutes: 120, adherencePercent: 75 } : null,
  };
}

describe('the report card', () => {
  it('has the totals, the worst adherence, the chart, the busiest intervals and the CSV link', () => {
    const card = reportCard(day(96), CSV_URL);
    const words = cardText(card);
    expect(words).toContain('Day report: 25 Oct 2026 (Europe/Paris)');
    expect(words).toContain('All skills');
    for (const fact of ['Offered: ', 'Handled: ', 'Abandoned: ', 'Service level: 81.3 %', 'ASA: 19 s', 'AHT: 4 min 5 s', 'Adherence: 92.1 %']) expect(words).toContain(fact);
    expect(words).toContain('Lowest adherence: **Ann \\*Lee\\***, 75 % (120 min out of adherence).');
    const chart = card.body!.find((e) => e.type === 'Chart.VerticalBar');
    expect(chart).toMatchObject({ title: 'Contacts offered per 15 minutes', yAxisTitle: 'Contacts' });
    expect(chart?.type === 'Chart.VerticalBar' && chart.data).toHaveLength(96);
    expect(chart?.type === 'Chart.VerticalBar' && chart.data[33]).toEqual({ x: '08:15', y: 10 + ((33 * 7) % 23) });
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl', title: 'Open CSV', url: CSV_URL })]);
    expect(card.msteams).toEqual({ width: 'Full' });
  });

  it('lists the busiest intervals, most offered first', () => {
    const card = reportCard(day(96), CSV_URL);
    const table = card.body!.find((e) => e.type === 'Table');
    if (table?.type !== 'Table') throw new Error('no table');
    expect(table.rows).toHaveLength(BUSIEST_SHOWN + 1);
    const offered = table.rows!.slice(1).map((r) => Number((r.cells![1]!.items[0] as { text: string }).text));
    expect(offered).toEqual([...offered].sort((a, b) => b - a));
    expect(offered[0]).toBe(32);
  });

  it('renders cleanly: the renderer knows every element but the chart, and shows its fallback image in its place', () => {
    const card = reportCard(day(100), CSV_URL);
    expect(cardProblems(card)).toEqual(['Unknown element type "Chart.VerticalBar". Fallback will be used if present.']);
    const rendered = asRendered(card);
    const image = rendered.body.find((e: any) => e.type === 'Image');
    expect(image.url).toMatch(/^data:image\/png;base64,/);
    expect(image.altText).toMatch(/^Contacts offered per 15 minutes, answered part dark; busiest /);
    expect(rendered.body.some((e: any) => e.type === 'Table')).toBe(true);
    const png = decodePng(Buffer.from(image.url.slice('data:image/png;base64,'.length), 'base64'));
    expect(png.width).toBeGreaterThan(100 * 5);
  });

  it('stays within the message budget at 100 intervals (the DST day)', () => {
    const card = reportCard({ ...day(100), skill: 'B'.repeat(200) }, CSV_URL + 'x'.repeat(300));
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
  });

  it('says so on an empty day, and what to check', () => {
    const card = reportCard({ ...day(96, false), skill: 'Billing' }, CSV_URL);
    expect(cardText(card)).toContain('No contacts for Billing and no schedules on record for 25 Oct 2026 (Europe/Paris). Check that the ACD sends events (README "Real calls")');
    expect(card.body!.some((e) => e.type === 'Chart.VerticalBar' || e.type === 'FactSet')).toBe(false);
    expect(cardProblems(card)).toEqual([]);
  });

  it('draws answered contacts dark over the offered bar, to scale', () => {
    const png = decodePng(
      barChartPng([
        { total: 10, dark: 5 },
        { total: 0, dark: 0 },
        { total: 5, dark: 5, tick: 'hour' },
      ]),
    );
    const at = (x: number, y: number) => Array.from(png.rgba.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)).join(',');
    const baseline = 6 + 96; // the top padding and the plot's height
    const x0 = 6 + 3 * 8 + 4; // the left padding and the scale's three digits
    expect(at(x0, baseline - 1)).toBe('70,79,235'); // the answered half, at the bottom
    expect(at(x0, baseline - 96)).toBe('232,160,48'); // the rest, up to the top
    expect(at(x0 + 5, baseline - 1)).toBe('255,255,255'); // nothing offered, no bar
    expect(at(x0 + 10, baseline - 48)).toBe('70,79,235'); // half the height, all answered
    expect(at(x0 + 10, baseline - 49)).toBe('255,255,255');
    expect(at(x0 + 10, baseline + 2)).toBe('150,150,150'); // an hour's tick
    const scale = Array.from({ length: 10 }, (_, y) => Array.from({ length: x0 }, (_, x) => at(x, 6 + y))).flat();
    expect(scale).toContain('150,150,150'); // "10", the tallest bar, left of the plot
  });
});
