import { cardBytes, MESSAGE_BUDGET_BYTES } from '../../src/cards/budget.js';
import { reportCard } from '../../src/cards/reportCard.js';
import type { AgentAdherence, Interval, SkillIntervalRow } from '../../src/domain/wfm.js';
import { SiteDayReports } from '../../src/wfm/dayReports.js';
import type { AdherenceReports, DayReports, IntervalAdherence, IntervalReports } from '../../src/wfm/ports.js';
import { ReportLinks } from '../../src/wfm/reportLinks.js';
import { byHowMuch, fmt, verdict, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { distribution, type Distribution } from '../lib/stats.js';

/** The goal: a supervisor's `report` card within 200 ms at the 99th percentile. */
export const REPORT_CARD_P99_GOAL_MS = 200;

/**
 * Times `runs` day reports and their cards, one after another, as the `report` command makes them: the day
 * report (its reads and sums) and the card (chart, PNG fallback, table, signed link). Give it the real day
 * reports over a day of data (bench/scenarios/wfm.ts's store) to measure the whole command but the Teams turn.
 */
export async function timeReportCards(dayReports: DayReports, date: string, runs: number): Promise<{ times: Distribution; cardBytes: number }> {
  const links = new ReportLinks({ secret: 'bench-report-link-secret-0123456789abcdef', clock: () => new Date(), baseUrl: () => 'https://cc.example' });
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const report = await dayReports.day(date, null);
    const card = reportCard(report, links.link({ date, skill: null }));
    samples.push(performance.now() - t0);
    bytes = cardBytes(card);
  }
  return { times: distribution(samples), cardBytes: bytes };
}

const SKILLS = 20;
const CHANNELS = ['voice', 'chat', 'sms', 'web'] as const;

/** In-memory ports holding a busy day already computed: 20 skills × 4 channels in every interval, 500 scheduled agents. */
function busyDayPorts(): { intervals: IntervalReports; adherence: AdherenceReports } {
  const intervals: IntervalReports = {
    async skillIntervals(from, to) {
      const list: Interval<SkillIntervalRow>[] = [];
      for (let t = from.getTime(); t < to.getTime(); t += 900_000) {
        const rows: SkillIntervalRow[] = [];
        for (let s = 0; s < SKILLS; s++) {
          for (const channel of CHANNELS) {
            const offered = 20 + ((t / 900_000 + s) % 30);
            rows.push({ skill: `Skill ${s}`, channel, offered, handled: offered - 2, abandoned: 2, averageSpeedOfAnswerSeconds: 14.2, averageHandleTimeSeconds: 251.7, serviceLevelPercent: 82.5 });
          }
        }
        list.push({ start: new Date(t).toISOString(), end: new Date(t + 900_000).toISOString(), localStart: new Date(t).toISOString(), rows });
      }
      return list;
    },
    agentActivity: async () => [],
  };
  const agents: AgentAdherence[] = Array.from({ length: 500 }, (_, i) => ({
    agentId: `a${i}`,
    agentName: `Agent ${i}`,
    scheduledSeconds: 28_800,
    inAdherenceSeconds: 28_800 - i * 10,
    outOfAdherenceMinutes: Math.round((i * 10) / 60),
    adherencePercent: Math.round(((28_800 - i * 10) / 28_800) * 1000) / 10,
  }));
  const adherence: AdherenceReports = {
    agentAdherence: async () => agents,
    intervalAdherence: async (from, to) => {
      const list: IntervalAdherence[] = [];
      for (let t = from.getTime(); t < to.getTime(); t += 900_000) list.push({ start: new Date(t).toISOString(), adherencePercent: 91.3 });
      return list;
    },
  };
  return { intervals, adherence };
}

/**
 * `report-card`: the card's own cost (summing a busy day's skill rows, drawing its chart, building and
 * signing) with the day's interval and adherence reports already in memory. The store's read of a day's
 * rollups is measured by the WFM scenario; this is what the `report` command adds to it.
 */
export async function reportCardScenario(context: BenchContext): Promise<ScenarioResult> {
  const dayReports = new SiteDayReports({ ...busyDayPorts(), siteTimeZone: 'Europe/Paris' });
  await timeReportCards(dayReports, '2026-10-24', 20); // warm-up
  const { times, cardBytes: bytes } = await timeReportCards(dayReports, '2026-10-25', 300);
  context.log(`report card: p50 ${fmt(times.p50)} ms, p99 ${fmt(times.p99)} ms, ${fmt(bytes)} bytes (100 intervals, ${SKILLS * CHANNELS.length} skill rows each)`);
  const v = verdict(times.p99, REPORT_CARD_P99_GOAL_MS);
  const scenario = 'report card, busy DST day in memory';
  return {
    slug: 'report-card',
    title: "The supervisors' report card: day report sums and card, without the store read",
    rows: [
      { scenario, figure: 'report + card p99', value: `${fmt(times.p99)} ms (p50 ${fmt(times.p50)} ms)`, goal: `≤ ${REPORT_CARD_P99_GOAL_MS} ms`, verdict: v },
      { scenario, figure: 'card size', value: `${fmt(bytes)} bytes`, goal: `≤ ${fmt(MESSAGE_BUDGET_BYTES)} bytes`, verdict: verdict(bytes, MESSAGE_BUDGET_BYTES) },
    ],
    misses: v === 'missed' ? [{ scenario, figure: 'report + card p99', by: byHowMuch(times.p99, REPORT_CARD_P99_GOAL_MS, 'max', 'ms'), dominates: 'not profiled' }] : [],
    figures: { times, cardBytes: bytes, skillRowsPerInterval: SKILLS * CHANNELS.length, intervals: 100 },
    notes: ["The interval and adherence reports are in memory: add the WFM scenario's day read (its p99) for the whole command."],
  };
}
