import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { localDay } from '../../src/wfm/intervalMath.js';
import { adherenceReports } from '../../src/wfm/adherenceReports.js';
import { SiteDayReports } from '../../src/wfm/dayReports.js';
import { IntervalReportsService } from '../../src/wfm/intervalReports.js';
import { wfmConfigFrom } from '../../src/wfm/wfmConfig.js';
import { byHowMuch, fmt, verdict, type BenchContext, type Miss, type Row, type ScenarioResult } from '../lib/scenario.js';
import { distribution, pool, round } from '../lib/stats.js';
import { REPORT_CARD_P99_GOAL_MS, timeReportCards } from './reportCard.js';
import { checkFactsBefore, fillRestOfDay, insertChunked } from '../lib/wfmBulkFill.js';
import { agentId, contactsAt, statesAt, stepsOf, type WfmDay } from '../lib/wfmDay.js';

/** Where the scenario's schema is made (dropped after it). */
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const APPENDS_PER_SECOND_GOAL = 850;
const READ_GOAL_MS = 1000;
const SITE_ZONE = 'Europe/Paris';
const DATE = '2026-12-07';
const LANES = 16;

/**
 * Workforce data (issue 15) on PostgreSQL: 500 agents changing state every 10 s and 200 contacts/s (4 steps
 * each), a site day in Europe/Paris.
 * (1) The append path: the day from its midnight, second by second, through repos.wfmLog appends (each its own
 *     transaction, the log row alone), 16 at once, for a fixed wall time: appends/s against the 850/s the rates
 *     need. Then the catch-up (wfmRollupCatchUp.ts) rolls up what was appended, in its batches: log entries rolled
 *     up per second, which must keep up with those 850/s.
 * (2) The rest of the day cannot go through that path in bench time (73 M appends), so its rollups are filled in
 *     bulk by the same contribution code (contactFacts.ts, agentActivity.ts spanPieces) on the same simulated
 *     entries: contacts straddling the cut add their contribution after it minus before it, states close the
 *     span each agent's latest appended entry opened. The raw logs of those hours are not written, except one
 *     hour of the state log, for (4).
 * (3) The day's skill intervals and agent activity read through IntervalReportsService: p50/p99 against 1 s.
 * (4) State-log bytes per agent-day: the table with its indexes ÷ its rows × 8,640 entries (one every 10 s).
 */
export async function wfm(context: BenchContext): Promise<ScenarioResult> {
  const quick = context.config.quick;
  const { start: dayStart, end: dayEnd } = localDay(DATE, SITE_ZONE);
  const day: WfmDay = { dayStart, agents: 500, contactsPerSecond: quick ? 20 : 200, seed: 15 };
  const daySeconds = (dayEnd - dayStart) / 1000;
  const appendWallSeconds = quick ? 8 : 30;
  const readRuns = quick ? 5 : 20;
  const pgSchema = `bench_wfm_${Date.now().toString(36)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-wfm-'));
  const store = await openStore({ databaseUrl: DATABASE_URL, dataDir, pgSchema });
  const scenario = `workforce day, ${day.agents} agents / 10 s, ${fmt(day.contactsPerSecond)} contacts/s`;
  try {
    const unit = new UnitOfWork(store.db);
    await insertChunked(
      store,
      'agents',
      Array.from({ length: day.agents }, (_, i) => ({
        id: agentId(i),
        name: `Bench Agent ${i}`,
        state: 'Unavailable',
        reason_code: null,
        state_since: new Date(dayStart).toISOString(),
        current_interaction_id: null,
        teams_user_id: null,
      })),
    );
    checkFactsBefore(day);

    // (1) The append path, from midnight, every event of a second before the next second's.
    context.log(`wfm: appending the day from ${DATE} 00:00 ${SITE_ZONE} for ${appendWallSeconds} s, ${LANES} appends at once`);
    const due = new Map<number, Array<() => Promise<void>>>();
    const schedule = (second: number, append: () => Promise<void>) => due.set(second, [...(due.get(second) ?? []), append]);
    const recordedAt = new Date(dayStart).toISOString();
    const started = performance.now();
    const deadline = started + appendWallSeconds * 1000;
    let appended = 0;
    let second = 0;
    for (; second < daySeconds && performance.now() < deadline; second++) {
      for (const entry of statesAt(day, second)) schedule(second, () => unit.repos.wfmLog.appendState(entry, recordedAt));
      for (const contact of contactsAt(day, second)) {
        for (const step of stepsOf(contact)) schedule(Math.floor((Date.parse(step.at) - dayStart) / 1000), () => unit.repos.wfmLog.appendContact(step, recordedAt));
      }
      const now = due.get(second) ?? [];
      due.delete(second);
      await pool(now.length, LANES, (i) => now[i]!());
      appended += now.length;
    }
    const appendSeconds = (performance.now() - started) / 1000;
    const loadAfterAppends = loadavg()[0]!;
    const cut = dayStart + second * 1000;
    const appendsPerSecond = appended / appendSeconds;
    context.log(`wfm: ${fmt(appended)} appends in ${fmt(appendSeconds)} s (${fmt(appendsPerSecond, 0)}/s), ${fmt(second / 60)} simulated minutes`);
    const catchUpStarted = performance.now();
    const rolledUp = await unit.repos.wfmRollups.catchUp();
    const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
    const rolledUpPerSecond = rolledUp / catchUpSeconds;
    const loadAfterCatchUp = loadavg()[0]!;
    context.log(`wfm: catch-up rolled up ${fmt(rolledUp)} log entries in ${fmt(catchUpSeconds)} s (${fmt(rolledUpPerSecond, 0)}/s)`);

    // (2) The rest of the day's rollups, in bulk.
    context.log('wfm: filling the rest of the day’s rollups in bulk');
    const bulkStarted = performance.now();
    const bulk = await fillRestOfDay(store, day, second, daySeconds, cut);
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;
    context.log(`wfm: bulk fill in ${fmt(bulkSeconds)} s (${fmt(bulk.rows)} rollup rows written)`);

    // (4) One hour of the state log as the ACD writes it, for the bytes per agent-day (before the reads: ANALYZE sees it all).
    const hour = Math.floor(daySeconds / 2 / 3600) * 3600;
    const sample = Array.from({ length: 3600 }, (_, s) => statesAt(day, hour + s)).flat();
    await insertChunked(
      store,
      'agent_state_log',
      sample.map((e) => ({
        agent_id: e.agentId,
        state: e.state,
        reason_code: e.reasonCode,
        started_at: e.startedAt,
        interaction_id: e.interactionId,
        source: e.source,
        event_key: e.eventKey ?? null,
        recorded_at: e.startedAt,
      })),
    );
    // Written for its size alone, past the day's latest entries: the catch-up must not take it as appended.
    await sql`update wfm_rollup_cursor set last_id = (select max(id) from agent_state_log) where log = 'agent_state_log'`.execute(store.db);
    for (const table of ['agent_state_log', 'wfm_skill_interval_totals', 'wfm_skill_interval_waits', 'wfm_agent_interval_states', 'wfm_agent_interval_contacts', 'wfm_agent_latest'])
      await sql`analyze ${sql.table(table)}`.execute(store.db);
    const size = (await sql<{ bytes: string; rows: string }>`select pg_total_relation_size('agent_state_log') as bytes, (select count(*) from agent_state_log) as rows`.execute(store.db)).rows[0]!;
    const bytesPerRow = Number(size.bytes) / Number(size.rows);
    const bytesPerAgentDay = bytesPerRow * 8640;

    // (3) The day's reports, read as a supervisor's day report would, the day over.
    const reports = new IntervalReportsService(unit, { siteTimeZone: SITE_ZONE, serviceLevelSeconds: 20 }, () => new Date(dayEnd));
    const from = new Date(dayStart);
    const to = new Date(dayEnd);
    const skillMs: number[] = [];
    const agentMs: number[] = [];
    const bothMs: number[] = [];
    let offeredCounted = 0;
    let agentRows = 0;
    let stateSecondsCounted = 0;
    // Every agent is in some state from their first entry (second i mod 10, +i×37 mod 1000 ms) to the day's end.
    const stateSecondsExpected = Array.from({ length: day.agents }, (_, i) => (dayEnd - dayStart - (i % 10) * 1000 - ((i * 37) % 1000)) / 1000).reduce((a, b) => a + b, 0);
    for (let run = 0; run <= readRuns; run++) {
      const t0 = performance.now();
      const skills = await reports.skillIntervals(from, to);
      const t1 = performance.now();
      const agents = await reports.agentActivity(from, to);
      const t2 = performance.now();
      if (run === 0) {
        // The first run warms the caches and is not measured; it checks what was read.
        offeredCounted = skills.reduce((sum, i) => sum + i.rows.reduce((s, r) => s + r.offered, 0), 0);
        agentRows = agents.reduce((sum, i) => sum + i.rows.length, 0);
        stateSecondsCounted = agents.reduce((sum, i) => sum + i.rows.reduce((s, r) => s + r.states.reduce((t, x) => t + x.seconds, 0), 0), 0);
        continue;
      }
      skillMs.push(t1 - t0);
      agentMs.push(t2 - t1);
      bothMs.push(t2 - t0);
    }
    const loadAfterReads = loadavg()[0]!;
    const skills = distribution(skillMs);
    const agents = distribution(agentMs);
    const both = distribution(bothMs);
    context.log(`wfm: day read p50 ${fmt(both.p50)} ms, p99 ${fmt(both.p99)} ms (skill ${fmt(skills.p99)}, agents ${fmt(agents.p99)})`);

    // (5) A supervisor's `report` of that day over this store: its reads (skill intervals, adherence), sums and card.
    const settings = wfmConfigFrom({ WFM_SITE_TIME_ZONE: SITE_ZONE });
    const dayClock = () => new Date(dayEnd);
    const dayReports = new SiteDayReports({ intervals: reports, adherence: adherenceReports({ unit, activityStates: settings.activityStates, clock: dayClock }), siteTimeZone: SITE_ZONE });
    await timeReportCards(dayReports, DATE, 2); // warm-up
    const reportCards = await timeReportCards(dayReports, DATE, readRuns);
    const reportVerdict = verdict(reportCards.times.p99, REPORT_CARD_P99_GOAL_MS);
    context.log(`wfm: report card p99 ${fmt(reportCards.times.p99)} ms, ${fmt(reportCards.cardBytes / 1024, 1)} KB`);

    const appendVerdict = verdict(appendsPerSecond, APPENDS_PER_SECOND_GOAL, 'min');
    const catchUpVerdict = verdict(rolledUpPerSecond, APPENDS_PER_SECOND_GOAL, 'min');
    const readVerdict = verdict(both.p99, READ_GOAL_MS);
    const rows: Row[] = [
      {
        scenario,
        figure: `appends/s through repos.wfmLog (each its own transaction, the log row alone, ${LANES} at once)`,
        value: `${fmt(appendsPerSecond, 0)}/s`,
        goal: `≥ ${APPENDS_PER_SECOND_GOAL}/s`,
        verdict: appendVerdict,
      },
      {
        scenario,
        figure: 'log entries rolled up per second by the catch-up (what the appends added, in its batches)',
        value: `${fmt(rolledUpPerSecond, 0)}/s (${fmt(rolledUp)} in ${fmt(catchUpSeconds)} s)`,
        goal: `≥ ${APPENDS_PER_SECOND_GOAL}/s`,
        verdict: catchUpVerdict,
      },
      { scenario, figure: 'simulated day appended that way (the rest filled in bulk, see notes)', value: `${fmt(second / 60)} min in ${fmt(appendSeconds)} s`, goal: '', verdict: 'info' },
      {
        scenario,
        figure: `a day's skill intervals + agent activity (96 intervals, ${fmt(agentRows)} agent rows; ${readRuns} reads)`,
        value: `p99 ${fmt(both.p99)} ms (p50 ${fmt(both.p50)})`,
        goal: `≤ ${fmt(READ_GOAL_MS)} ms`,
        verdict: readVerdict,
      },
      { scenario, figure: 'of which skill intervals / agent activity', value: `p99 ${fmt(skills.p99)} / ${fmt(agents.p99)} ms`, goal: '', verdict: 'info' },
      {
        scenario,
        figure: `\`report\` card of that day over this store: reads, sums, card (${readRuns} runs; no schedule published)`,
        value: `p99 ${fmt(reportCards.times.p99)} ms (p50 ${fmt(reportCards.times.p50)}), ${fmt(reportCards.cardBytes / 1024, 1)} KB`,
        goal: `p99 ≤ ${REPORT_CARD_P99_GOAL_MS} ms`,
        verdict: reportVerdict,
      },
      {
        scenario,
        figure: 'state log per agent-day (table + indexes ÷ rows × 8,640)',
        value: `${fmt(bytesPerAgentDay / 1024, 0)} KB (${fmt(bytesPerRow, 0)} B/entry)`,
        goal: '(stated)',
        verdict: 'info',
      },
    ];
    const misses: Miss[] = [];
    if (appendVerdict === 'missed') {
      misses.push({
        scenario,
        figure: 'appends/s',
        by: byHowMuch(appendsPerSecond, APPENDS_PER_SECOND_GOAL, 'min', '/s'),
        dominates: 'round trips: each append is one transaction of one statement (the log row; its rollups come later, by the catch-up) on one 2-core machine shared with the load; not profiled',
      });
    }
    if (catchUpVerdict === 'missed') {
      misses.push({
        scenario,
        figure: 'catch-up',
        by: byHowMuch(rolledUpPerSecond, APPENDS_PER_SECOND_GOAL, 'min', '/s'),
        dominates: 'reading the log rows and folding them through the contribution code in Node, then the batch’s upserts; not profiled',
      });
    }
    if (reportVerdict === 'missed') {
      misses.push({
        scenario,
        figure: 'report card',
        by: byHowMuch(reportCards.times.p99, REPORT_CARD_P99_GOAL_MS, 'max', 'ms'),
        dominates: 'the skill intervals read (see the day read above); not profiled',
      });
    }
    if (readVerdict === 'missed')
      misses.push({
        scenario,
        figure: 'day read',
        by: byHowMuch(both.p99, READ_GOAL_MS, 'max', 'ms'),
        dominates: `agent activity (p99 ${fmt(agents.p99)} ms): ~${fmt(agentRows * 4)} rollup pieces parsed and summed into ${fmt(agentRows)} rows, object allocation and GC in the Node process; the queries themselves take ~70 ms in PostgreSQL`,
      });
    return {
      slug: 'wfm',
      title: `Workforce data on PostgreSQL: ${day.agents} agents changing state every 10 s, ${fmt(day.contactsPerSecond)} contacts/s, a ${SITE_ZONE} day`,
      rows,
      misses,
      figures: {
        day: { date: DATE, siteTimeZone: SITE_ZONE, ...day, daySeconds },
        append: { appended, seconds: round(appendSeconds), appendsPerSecond: round(appendsPerSecond), simulatedSeconds: second, lanes: LANES },
        catchUp: { rolledUp, seconds: round(catchUpSeconds), perSecond: round(rolledUpPerSecond) },
        bulk: { ...bulk, seconds: round(bulkSeconds) },
        read: { skills, agents, both, offeredCounted, offeredExpected: day.contactsPerSecond * daySeconds, agentRows, stateSecondsCounted, stateSecondsExpected },
        report: { ...reportCards.times, cardBytes: reportCards.cardBytes },
        stateLog: { bytes: Number(size.bytes), rows: Number(size.rows), bytesPerRow: round(bytesPerRow), bytesPerAgentDay: Math.round(bytesPerAgentDay) },
      },
      notes: [
        `the append path took the day from its local midnight to ${fmt(second / 60)} min later (${fmt(appended)} appends, each state and contact step through repos.wfmLog, as recording does); a full day that way is ${fmt(((day.agents / 10 + day.contactsPerSecond * 3.9) * daySeconds) / 1e6, 1)} M appends, out of bench time`,
        `the rest of the day's rollups were written in bulk (${fmt(bulk.rows)} rows) by the same contribution code on the same simulated entries: ${fmt(bulk.contacts)} contacts, ${fmt(bulk.straddling)} of them straddling the cut (their contribution after it minus before it), ${fmt(bulk.states)} state entries (each closing its agent's previous span); their raw log rows were not written`,
        `machine load (1-minute load average, 2 cores) after the appends ${fmt(loadAfterAppends, 1)}, after the catch-up ${fmt(loadAfterCatchUp, 1)}, after the reads ${fmt(loadAfterReads, 1)}: wall-clock figures carry the other processes' share`,
        `read check: ${fmt(offeredCounted)} contacts offered counted over the day's intervals, of ${fmt(day.contactsPerSecond * daySeconds)} simulated; ${fmt(stateSecondsCounted, 3)} agent-seconds in states, of ${fmt(stateSecondsExpected, 3)} expected`,
        `state log bytes: ${fmt(Number(size.rows))} rows (one hour of ACD state changes written in bulk besides the appended ones; every entry with an event key, Working and ACW with an interaction id), ${fmt(Number(size.bytes) / 1024 / 1024, 1)} MB with its 4 indexes`,
      ],
    };
  } finally {
    await sql.raw(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).execute(store.db);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
