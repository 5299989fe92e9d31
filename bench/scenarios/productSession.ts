import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sampleNumbers } from '../../scripts/seed/generate.js';
import { openStore } from '../../src/store/database.js';
import { timelineActivityKey } from '../../src/domain/idempotencyKeys.js';
import type { SqlCount } from '../botProcess.js';
import { endAndCompleteAtOnce } from '../lib/acwBurst.js';
import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import { dialled, paced, settle } from '../lib/load.js';
import { dominates, summarizeProfile, type ProfileSummary } from '../lib/profile.js';
import { Recorder } from '../lib/recorder.js';
import { byHowMuch, fmt, verdict, type BenchContext, type Miss, type ScenarioResult } from '../lib/scenario.js';
import { cpuMs, distribution, mb, pool, round, sleep } from '../lib/stats.js';
import { BotClient, cardOf, executeActions, interactionIdOf, TeamsAgent, type MessageTurn } from '../lib/teams.js';
import type { Floor } from './echoFloor.js';

const GOALS = { cpuRatio: 1.25, linkP99Ms: 30, jobsPerSecond: 2000, idleRssMb: 150, bytesPerInteraction: 2048 };
const VERBS = { refresh: 'customerCard.refresh', link: 'customerCard.link', unlink: 'customerCard.unlink', completeAcw: 'customerCard.completeAcw' };

interface Failures {
  count: number;
  examples: string[];
}

function fail(failures: Failures, what: string): void {
  failures.count++;
  if (failures.examples.length < 5) failures.examples.push(what.slice(0, 300));
}

function describeTurn(turn: MessageTurn): string {
  const reply = turn.replies[0]?.activity;
  return `HTTP ${turn.status}, ${turn.replies.length} replies: ${String(reply?.text ?? JSON.stringify(reply ?? null))}`;
}

/**
 * One run of the product (its own process, `node --import tsx`, LOG_LEVEL=silent) on the seeded CRM, as
 * agents use it: idle memory; `calls` agents each go Available and take one call (the measured call →
 * Customer Card turns), leaving that many interactions open (memory per interaction); 50 agents click
 * Link on their cards at a person's pace; then all the measured calls end and complete After Call Work
 * in one transaction (the ACW burst) while the product's worker runs their jobs, the 50 Link agents hang
 * up and click Complete ACW at once, and the CRM is checked for duplicate and missing activities.
 */
export async function productSession(context: BenchContext, floor: Floor): Promise<{ results: ScenarioResult[]; wire: { cardBytes: number; activityBytes: number } }> {
  const { config, plan } = context;
  const port = await freePort();
  const child = await BotChild.start({ app: 'product', runtime: { kind: 'tsx', cache: true }, port, dataDir: context.dataDir });
  const recorder = new Recorder();
  await recorder.start();
  const client = new BotClient(port, recorder, Math.max(config.linkAgents, config.concurrency) + 8);
  const db = new Database(join(context.dataDir, 'customer-card.sqlite'), { readonly: true, fileMustExist: true });
  const profiles: Record<string, ProfileSummary> = {};
  const sql: Record<string, SqlCount & { per: string; perUnit: number; units: number }> = {};
  const profileFile = (name: string) => join(context.profilesDir, `${name}.cpuprofile`);
  try {
    await untilHealthy(port, child);
    await settle(child);
    await sleep(1000);
    const idle = await child.usage();
    const idleCollected = await child.collected();

    // --- call → Customer Card -------------------------------------------------------------------------
    const { warmupCalls, calls, profileCalls, concurrency } = config;
    const total = warmupCalls + calls + profileCalls;
    // Names of this run's own: with --reuse-seed, the database still holds earlier runs' agents.
    const run = Date.now().toString(36);
    const agents = Array.from({ length: total }, (_, i) => new TeamsAgent(client, `bench-${run}-agent-${i}`));
    const numbers = sampleNumbers(plan, total, 'single', 21);
    if (numbers.length < total) throw new Error(`only ${numbers.length} single-match numbers for ${total} calls`);
    const interactionIds: string[] = new Array<string>(total);
    const failures: Failures = { count: 0, examples: [] };

    context.log(`product: ${total} agents go Available`);
    await pool(total, concurrency, async (i) => {
      const turn = await agents[i]!.say('available');
      if (turn.status !== 200 || !/You are Available/.test(String(turn.replies[0]?.activity.text))) fail(failures, `available: ${describeTurn(turn)}`);
    });
    const call = async (i: number, latencies?: number[]) => {
      const turn = await agents[i]!.say(`call ${dialled(numbers[i]!, i)}`);
      const id = interactionIdOf(cardOf(turn.replies[0]));
      if (turn.status !== 200 || !id) return fail(failures, `call: ${describeTurn(turn)}`);
      interactionIds[i] = id;
      latencies?.push(turn.latencyMs);
    };
    context.log(`product: ${warmupCalls} warm-up calls`);
    await pool(warmupCalls, concurrency, (i) => call(i));
    await settle(child);
    const beforeCalls = await child.collected();

    context.log(`product: ${calls} measured calls on ${fmt(plan.contacts)} contacts, ${concurrency} in flight (at most ${config.callSeconds} s)`);
    const callLatencies: number[] = [];
    const callsBefore = await child.usage();
    const callsStarted = performance.now();
    const measured = await pool(calls, concurrency, (i) => call(warmupCalls + i, callLatencies), callsStarted + config.callSeconds * 1000);
    const callsElapsed = performance.now() - callsStarted;
    await settle(child);
    const callsAfter = await child.usage();
    const callCpu = cpuMs(callsBefore.cpu, callsAfter.cpu) / measured;
    if (measured < calls) context.log(`product: ${measured} of ${calls} calls within ${config.callSeconds} s`);
    const callTurns = distribution(callLatencies);
    if (failures.count) context.log(`product: ${failures.count} turns failed so far, e.g. ${failures.examples[0]}`);
    const cpuRatio = callCpu / floor.cpuMsPerTurn;

    // --- memory with `calls` (+ warm-up) interactions open ----------------------------------------------
    const openCollected = await child.collected();
    const rssPerInteraction = (openCollected.memory.rss - beforeCalls.memory.rss) / measured;
    const heapPerInteraction = (openCollected.memory.heapUsed - beforeCalls.memory.heapUsed) / measured;

    if (config.profile && profileCalls > 0) {
      context.log(`product: ${profileCalls} calls under the CPU profiler`);
      const { sql: count } = await child.diagnose(profileFile('call-card'), () => pool(profileCalls, concurrency, (i) => call(warmupCalls + calls + i)));
      await settle(child);
      profiles.call = summarizeProfile(profileFile('call-card'));
      sql.call = { ...count, per: 'call turn', units: profileCalls, perUnit: round(count.total / profileCalls, 1) };
    }

    // --- Link on the card, paced agents -----------------------------------------------------------------
    context.log(`product: ${config.linkAgents} agents get a card with several matches`);
    const linkAgents = Array.from({ length: config.linkAgents }, (_, i) => new TeamsAgent(client, `bench-${run}-link-${i}`));
    const shared = sampleNumbers(plan, config.linkAgents, 'multiple', 31);
    const cards: Array<Record<string, unknown> | undefined> = [];
    await pool(config.linkAgents, concurrency, async (i) => {
      const agent = linkAgents[i]!;
      const available = await agent.say('available');
      if (available.status !== 200) fail(failures, `available: ${describeTurn(available)}`);
      const turn = await agent.say(`call ${dialled(shared[i % shared.length]!, i)}`);
      const posted = cardOf(turn.replies[0]);
      const id = interactionIdOf(posted);
      if (!id) return fail(failures, `link call: ${describeTurn(turn)}`);
      // What Teams does when it shows a card whose refresh names the viewer: it asks for their own view.
      cards[i] = (await agent.invoke(VERBS.refresh, { interactionId: id })).card;
    });
    await settle(child);
    const linkTargets = cards.map((card) => executeActions(card).filter((a) => a.verb === VERBS.link).length);
    let linkClicks = 0;
    let unlinkClicks = 0;
    const linkFailures: Failures = { count: 0, examples: [] };
    const click = async (a: number): Promise<number | undefined> => {
      const actions = executeActions(cards[a]);
      const link = actions.find((x) => x.verb === VERBS.link);
      // With every record linked, the agent unlinks one (not measured) so that there is something to link.
      const action = link ?? actions.find((x) => x.verb === VERBS.unlink);
      if (!action) return undefined;
      const answer = await linkAgents[a]!.invoke(action.verb, action.data);
      if (answer.status !== 200 || !answer.card) {
        fail(linkFailures, `${action.verb}: HTTP ${answer.status}`);
        return undefined;
      }
      cards[a] = answer.card;
      if (!link) {
        unlinkClicks++;
        return undefined;
      }
      linkClicks++;
      if (!/Linked /.test(JSON.stringify(answer.card))) fail(linkFailures, `link answered without "Linked": ${JSON.stringify(answer.card).slice(0, 200)}`);
      return answer.latencyMs;
    };
    context.log(`product: ${config.linkAgents} agents click Link every ~${config.linkThinkMs} ms for ${config.linkSeconds} s`);
    const linkBefore = await child.usage();
    const linkLatencies = await paced(config.linkAgents, config.linkSeconds, config.linkThinkMs, click);
    await settle(child);
    const linkAfter = await child.usage();
    const links = distribution(linkLatencies);
    const linkCpu = cpuMs(linkBefore.cpu, linkAfter.cpu) / Math.max(1, linkClicks + unlinkClicks);
    if (config.profile) {
      context.log('product: Link clicks under the CPU profiler');
      const clicksBefore = linkClicks + unlinkClicks;
      const { sql: count } = await child.diagnose(profileFile('link'), () => paced(config.linkAgents, Math.max(4, Math.round(config.linkSeconds / 3)), config.linkThinkMs, click));
      await settle(child);
      profiles.link = summarizeProfile(profileFile('link'));
      const units = Math.max(1, linkClicks + unlinkClicks - clicksBefore);
      sql.link = { ...count, per: 'click', units, perUnit: round(count.total / units, 1) };
    }

    // Complete ACW as a click: the Link agents hang up, then all click Complete ACW at once.
    context.log(`product: ${config.linkAgents} agents hang up and click Complete ACW at once`);
    await pool(config.linkAgents, concurrency, async (i) => {
      const turn = await linkAgents[i]!.say('hangup');
      if (turn.status !== 200) fail(failures, `hangup: ${describeTurn(turn)}`);
    });
    const completeLatencies: number[] = [];
    let working = 0;
    await pool(config.linkAgents, config.linkAgents, async (i) => {
      const id = interactionIdOf(cards[i]);
      if (!id) return;
      const answer = await linkAgents[i]!.invoke(VERBS.completeAcw, { interactionId: id, disposition: 'Resolved', notes: `Bench call ${i}: resolved on the call.` });
      if (answer.status !== 200 || !answer.card) return fail(failures, `completeAcw: HTTP ${answer.status}`);
      if (/Working: /.test(JSON.stringify(answer.card))) working++;
      completeLatencies.push(answer.latencyMs);
    });
    const completeClicks = distribution(completeLatencies);

    // --- ACW burst: every measured call's interaction completes After Call Work at once ---------------
    await settle(child);
    const burst = Array.from({ length: measured }, (_, i) => warmupCalls + i).filter((i) => interactionIds[i]);
    const burstBefore = await child.usage();
    // A profile of the burst's first 25 s, taken by a thread of the bot that needs no message from the
    // bench to end it (the bot may be too busy to read one); sampling every 1 ms, to disturb it little.
    const window = config.profile ? child.profileWindow(profileFile('acw-burst'), 0, 25_000, 1000) : Promise.resolve(undefined);
    // Meanwhile an Available agent asks for help once a second: does the bot still answer chat?
    // It starts once the burst has committed: while the bench's own transaction writes the burst, the bot's
    // writes wait on SQLite's lock (a second writing process, which a deployment does not have).
    let probe: ReturnType<typeof probeTurns> | undefined;
    const acw = await burstThroughStore(
      context,
      db,
      burst.map((i) => ({ interactionId: interactionIds[i]!, agentId: agents[i]!.aadObjectId })),
      config.acwSeconds,
      () => {
        probe = probeTurns(linkAgents[0]!);
      },
    );
    const probed = probe ? await probe.stop() : { latencies: [], unanswered: 0 };
    const burstAfter = await child.usage(5000).catch(() => undefined);
    const windowFile = await window;
    let acwProfile: ProfileSummary | undefined;
    if (windowFile) {
      acwProfile = summarizeProfile(windowFile);
      profiles.acw = acwProfile;
    }
    const duplicates = countDuplicates(
      db,
      burst.map((i) => interactionIds[i]!),
      acw.firstJobId,
    );
    let diagnostic = child;
    let leftJobs = 0;
    if (!acw.complete || !burstAfter) {
      context.log("product: the bot is still running the burst's jobs; it is stopped (SIGKILL)");
      await child.kill();
    }
    if (config.profile && verdict(acw.jobsPerSecond, GOALS.jobsPerSecond, 'min') === 'missed') {
      if (child.process.exitCode !== null || child.process.signalCode !== null) {
        // A new process would run the jobs left over first (and answer nothing meanwhile): they are set
        // aside, then a fresh bot on the same database takes the diagnostic pass.
        leftJobs = setAsideJobs(context.dataDir, acw.firstJobId);
        diagnostic = await BotChild.start({ app: 'product', runtime: { kind: 'tsx', cache: true }, port: await freePort(), dataDir: context.dataDir });
        await untilHealthy(diagnostic.spec.port, diagnostic);
        await settle(diagnostic);
      }
      // The diagnostic pass: a small burst, profiled, its SQL counted, with the big burst's jobs in the table.
      const more = [...Array.from({ length: warmupCalls }, (_, i) => i), ...Array.from({ length: profileCalls }, (_, i) => warmupCalls + calls + i)].filter((i) => interactionIds[i]).slice(0, 150);
      const { sql: count, value } = await diagnostic.diagnose(profileFile('acw-small-burst'), () =>
        burstThroughStore(
          context,
          db,
          more.map((i) => ({ interactionId: interactionIds[i]!, agentId: agents[i]!.aadObjectId })),
          60,
        ),
      );
      const ran = Math.max(1, value.done + value.dead);
      sql.acw = { ...count, per: 'job', units: ran, perUnit: round(count.total / ran, 1) };
      profiles.acwSmall = summarizeProfile(profileFile('acw-small-burst'));
      if (!acwProfile) acwProfile = profiles.acwSmall;
      if (diagnostic !== child) await diagnostic.stop();
    }
    const jobsInTable = (db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;

    // --- results --------------------------------------------------------------------------------------
    const results: ScenarioResult[] = [];
    const label = `${fmt(plan.contacts / 1e6)}M contacts`;
    {
      const scenario = `call → Customer Card, ${label}`;
      const v = verdict(cpuRatio, GOALS.cpuRatio);
      const misses: Miss[] = [];
      if (v === 'missed') {
        misses.push({
          scenario,
          figure: 'CPU per turn / echo',
          by: `${fmt(cpuRatio)}× echo (${fmt(callCpu, 2)} ms against ${fmt(floor.cpuMsPerTurn, 2)} ms) against ≤ ${GOALS.cpuRatio}×: ${Math.round((cpuRatio / GOALS.cpuRatio - 1) * 100)}% over`,
          dominates:
            (profiles.call ? `${dominates(profiles.call)}; ${sqlLine(sql.call)}` : 'not profiled (--no-profile)') +
            `. Why it remains: ≤ ${GOALS.cpuRatio}× echo leaves ${fmt(floor.cpuMsPerTurn * (GOALS.cpuRatio - 1), 2)} ms of CPU for everything a call does beyond answering a turn (route the call, write the interaction and its customer, run the data dip's Search for ANI and the linked record's activities through the workflow engine, read its history, draw a card of several KB)` +
            (sql.call ? `, less than its SQL statements alone take in SQLite (${fmt(sql.call.ms / sql.call.units, 2)} ms)` : ''),
        });
      }
      results.push({
        slug: 'call-card',
        title: `call → Customer Card (Search for ANI) on ${fmt(plan.contacts)} contacts`,
        rows: [
          { scenario, figure: 'CPU per turn', value: `${fmt(callCpu, 2)} ms = ${fmt(cpuRatio)}× echo`, goal: `≤ ${GOALS.cpuRatio}× echo`, verdict: v },
          {
            scenario,
            figure: 'p50 / p99 per turn',
            value: `${fmt(callTurns.p50)} / ${fmt(callTurns.p99)} ms = ${fmt(callTurns.p99 / floor.turns.p99)}× echo p99`,
            goal: '(reported)',
            verdict: 'info',
          },
          {
            scenario,
            figure: 'turns/s',
            value: `${fmt(measured / (callsElapsed / 1000))} = ${fmt(measured / (callsElapsed / 1000) / floor.turnsPerSecond)}× echo`,
            goal: '(reported)',
            verdict: 'info',
          },
        ],
        misses,
        figures: {
          calls: measured,
          callsPlanned: calls,
          warmupCalls,
          concurrency,
          cpuMsPerTurn: round(callCpu, 3),
          echoCpuMsPerTurn: floor.cpuMsPerTurn,
          cpuRatio: round(cpuRatio, 2),
          turns: callTurns,
          echoTurns: floor.turns,
          turnsPerSecond: round(measured / (callsElapsed / 1000), 1),
          failures,
        },
        profiles: profiles.call ? { call: profiles.call } : undefined,
        sql: sql.call,
      });
    }
    {
      const scenario = 'memory';
      const idleMb = mb(idle.memory.rss);
      const vIdle = verdict(idleMb, GOALS.idleRssMb);
      const vPer = verdict(rssPerInteraction, GOALS.bytesPerInteraction);
      const misses: Miss[] = [];
      const heap = (u: typeof idle) => `heap used ${mb(u.memory.heapUsed)} MB of ${mb(u.memory.heapTotal)} MB, external ${mb(u.memory.external)} MB`;
      if (vIdle === 'missed') {
        misses.push({
          scenario,
          figure: 'RSS idle',
          by: byHowMuch(idleMb, GOALS.idleRssMb, 'max', 'MB'),
          dominates: `after a full GC: RSS ${mb(idleCollected.memory.rss)} MB, ${heap(idleCollected)}; the echo floor idles at ${fmt(floor.rssIdleMb)} MB in the same runtime (see cold start for the esbuild bundle)`,
        });
      }
      if (vPer === 'missed') {
        misses.push({
          scenario,
          figure: 'RSS per open interaction',
          by: `${fmt(rssPerInteraction, 0)} bytes against ≤ ${GOALS.bytesPerInteraction}: ${Math.round((rssPerInteraction / GOALS.bytesPerInteraction - 1) * 100)}% over`,
          dominates: `live heap per interaction after a full GC: ${fmt(heapPerInteraction, 0)} bytes; before: ${heap(beforeCalls)}; with ${measured} more open: ${heap(openCollected)}`,
        });
      }
      results.push({
        slug: 'memory',
        title: 'Memory of the product process',
        rows: [
          { scenario, figure: `RSS idle, ${label}`, value: `${fmt(idleMb)} MB`, goal: `≤ ${GOALS.idleRssMb} MB`, verdict: vIdle },
          {
            scenario,
            figure: `RSS per open interaction (${fmt(measured)} opened, after a GC each side)`,
            value: `${fmt(rssPerInteraction, 0)} bytes${rssPerInteraction < 0 ? ' (RSS fell)' : ''}`,
            goal: `≤ ${GOALS.bytesPerInteraction / 1024} KB`,
            verdict: vPer,
          },
          { scenario, figure: 'live heap per open interaction (after GC)', value: `${fmt(heapPerInteraction, 0)} bytes`, goal: '(reported)', verdict: 'info' },
        ],
        misses,
        figures: {
          idle: idle.memory,
          idleAfterGc: idleCollected.memory,
          beforeCalls: beforeCalls.memory,
          withOpen: openCollected.memory,
          open: measured + warmupCalls,
          measuredOpen: measured,
          rssPerInteraction: round(rssPerInteraction, 0),
          heapPerInteraction: round(heapPerInteraction, 0),
          echoRssIdleMb: floor.rssIdleMb,
        },
      });
    }
    {
      const scenario = `Link, ${config.linkAgents} agents`;
      const v = verdict(links.p99, GOALS.linkP99Ms);
      const misses: Miss[] = [];
      if (v === 'missed') {
        misses.push({
          scenario,
          figure: 'p99',
          by: `${byHowMuch(links.p99, GOALS.linkP99Ms, 'max', 'ms')}; each click costs ${fmt(linkCpu, 1)} ms of CPU and ${config.linkAgents} agents click ${fmt((config.linkAgents * 1000) / config.linkThinkMs)} times a second, so the bot's one thread is ${fmt(linkCpu * (config.linkAgents / config.linkThinkMs) * 100, 0)}% busy and clicks queue`,
          dominates:
            (profiles.link ? `${dominates(profiles.link)}; ${sqlLine(sql.link)}` : 'not profiled (--no-profile)') +
            `. Why it remains: the echo bot answers the same invoke for ${fmt(floor.cpuMsPerInvoke, 2)} ms of CPU; a Link also writes the link, reads the record's history and activities, draws the card once and builds two cards from it (the clicker's answer, and the shared view the chat message is updated to, which is a second request to Teams), all on the one thread the other agents' clicks wait for`,
        });
      }
      results.push({
        slug: 'link',
        title: `Link on the Customer Card, ${config.linkAgents} concurrent agents`,
        rows: [
          { scenario, figure: 'p99 per Link', value: `${fmt(links.p99)} ms = ${fmt(links.p99 / floor.invokes.p99)}× echo invoke`, goal: `≤ ${GOALS.linkP99Ms} ms`, verdict: v },
          { scenario, figure: 'p50 per Link', value: `${fmt(links.p50)} ms`, goal: '(reported)', verdict: 'info' },
          { scenario, figure: 'CPU per click', value: `${fmt(linkCpu, 2)} ms = ${fmt(linkCpu / floor.cpuMsPerInvoke)}× echo invoke`, goal: '(reported)', verdict: 'info' },
        ],
        misses,
        figures: {
          agents: config.linkAgents,
          thinkMs: config.linkThinkMs,
          seconds: config.linkSeconds,
          links,
          echoInvokes: floor.invokes,
          linkClicks,
          unlinkClicks,
          linkTargetsPerCard: distribution(linkTargets),
          cpuMsPerClick: round(linkCpu, 3),
          failures: linkFailures,
        },
        profiles: profiles.link ? { link: profiles.link } : undefined,
        sql: sql.link,
      });
    }
    {
      const scenario = `ACW burst, ${fmt(acw.interactions)} at once`;
      const v = verdict(acw.jobsPerSecond, GOALS.jobsPerSecond, 'min');
      // A lost write is worse than a doubled one: either misses the goal.
      const vDup = duplicates.duplicateTasks === 0 && duplicates.duplicateKeys === 0 && duplicates.missingTasks === 0 ? 'met' : 'missed';
      const misses: Miss[] = [];
      if (v === 'missed') {
        misses.push({
          scenario,
          figure: 'jobs/s',
          by: byHowMuch(acw.jobsPerSecond, GOALS.jobsPerSecond, 'min'),
          dominates: acwProfile
            ? `${dominates(acwProfile)}; in a small burst run under the profiler after it (${fmt(sql.acw?.units ?? 0)} jobs, with ${fmt(jobsInTable)} jobs in the table): ${sqlLine(sql.acw)}; ` +
              `a "help" turn while the jobs ran took ${fmt(probed.latencies.length ? distribution(probed.latencies).max : Number.NaN)} ms at worst over ${probed.latencies.length} turns${probed.unanswered ? ' (the last was still unanswered)' : ''}. ` +
              `Why it remains: at ${fmt(GOALS.jobsPerSecond)} jobs/s a job may use ${fmt(1000 / GOALS.jobsPerSecond, 2)} ms of the one thread, and each is a CRM write into the embedded CRM's ${fmt(plan.contacts)}-contact SQLite file` +
              (sql.acw ? ` (${fmt(sql.acw.perUnit)} statements, ${fmt(sql.acw.ms / sql.acw.units, 2)} ms in SQLite per job)` : '') +
              `, run through the workflow engine (payload validation, the workflow's logic) and marked done; the bot used ${fmt(acw.seconds > 0 && burstAfter ? cpuMs(burstBefore.cpu, burstAfter.cpu) / Math.max(1, acw.done + acw.dead) : Number.NaN, 2)} ms of CPU per job over the burst, card updates included`
            : 'not profiled (--no-profile)',
        });
      }
      if (vDup === 'missed') {
        misses.push({
          scenario,
          figure: 'duplicates',
          by: `${duplicates.duplicateTasks + duplicates.duplicateKeys} duplicates and ${duplicates.missingTasks} missing activities against 0`,
          dominates: JSON.stringify(duplicates),
        });
      }
      const until = acw.complete
        ? `${fmt(acw.seconds)} s for ${fmt(acw.jobs)} jobs`
        : `not within the ${config.acwSeconds} s bound: ${fmt(acw.done)} of ${fmt(acw.jobs)} jobs done (all would take ≈ ${fmt(acw.jobs / Math.max(acw.jobsPerSecond, 0.001), 0)} s at this rate)`;
      results.push({
        slug: 'acw-burst',
        title: `ACW burst: ${fmt(acw.interactions)} interactions complete After Call Work at once`,
        rows: [
          { scenario, figure: 'time until every job is done', value: until, goal: '(reported)', verdict: 'info' },
          { scenario, figure: 'jobs/s', value: fmt(acw.jobsPerSecond), goal: `≥ ${fmt(GOALS.jobsPerSecond)}`, verdict: v },
          { scenario, figure: 'duplicates (missing)', value: `${duplicates.duplicateTasks + duplicates.duplicateKeys} (${duplicates.missingTasks})`, goal: '0', verdict: vDup },
          {
            scenario,
            figure: 'a chat turn while the jobs run (help, once a second)',
            value: probed.latencies.length
              ? `slowest ${fmt(distribution(probed.latencies).max, 0)} ms, ${probed.latencies.length - probed.unanswered} answered${probed.unanswered ? ', the last still waiting at the end' : ''}`
              : 'none',
            goal: '(reported)',
            verdict: 'info',
          },
          {
            scenario: `Complete ACW clicked, ${config.linkAgents} agents at once`,
            figure: 'p50 / p99 per click',
            value: `${fmt(completeClicks.p50)} / ${fmt(completeClicks.p99)} ms${working ? `, ${working} answered "Working…"` : ''}`,
            goal: '(reported)',
            verdict: 'info',
          },
        ],
        misses,
        figures: {
          ...acw,
          duplicates,
          completeClicks,
          workingAnswers: working,
          botCpuMs: burstAfter ? round(cpuMs(burstBefore.cpu, burstAfter.cpu), 0) : null,
          botRssMbBefore: mb(burstBefore.memory.rss),
          botRssMbAfter: burstAfter ? mb(burstAfter.memory.rss) : null,
          chatDuringBurst: { ...distribution(probed.latencies), unanswered: probed.unanswered },
          jobsSetAsideAfterTheBound: leftJobs,
        },
        profiles: acwProfile ? { acw: acwProfile, ...(profiles.acwSmall ? { acwSmall: profiles.acwSmall } : {}) } : undefined,
        sql: sql.acw,
        notes: [
          ...(leftJobs
            ? [
                `When the bound ran out, the bench stopped the bot and set the ${fmt(leftJobs)} jobs not yet done aside (marked dead), after taking the figures, so that the diagnostic pass started clean.`,
              ]
            : []),
          burstAfter
            ? `The bot process used ${fmt(cpuMs(burstBefore.cpu, burstAfter.cpu) / 1000, 1)} s of CPU over the burst's ${fmt(acw.seconds)} s, and its RSS went from ${fmt(mb(burstBefore.memory.rss))} MB to ${fmt(mb(burstAfter.memory.rss))} MB.`
            : `The bot process did not answer the bench within 5 s of the bound (its RSS was ${fmt(mb(burstBefore.memory.rss))} MB before the burst).`,
          "The burst is written by the bench in one transaction through the product's own store functions (updateInteraction, moveAgentState, listRecordLinks, acwJobsFor, enqueueJobs: what CallLifecycle.hangup and completeAcw write), so that all complete at once; the product's job worker then runs them (it finds them at its next poll, within 1 s).",
        ],
      });
    }
    for (const r of results) {
      if (failures.count) (r.notes ??= []).push(`${failures.count} turns failed, e.g. ${failures.examples.join(' | ')}`);
      if (linkFailures.count && r.slug === 'link') (r.notes ??= []).push(`${linkFailures.count} Link clicks failed, e.g. ${linkFailures.examples.join(' | ')}`);
    }
    return { results, wire: recorder.largestCard };
  } finally {
    db.close();
    client.close();
    await child.stop();
    await recorder.stop();
  }
}

/**
 * After a burst that ran out of time: its jobs not done yet are marked dead ("set aside by the bench"),
 * so that the next bot process does not start by running them. Returns how many.
 */
function setAsideJobs(dataDir: string, firstJobId: number): number {
  const writable = new Database(join(dataDir, 'customer-card.sqlite'), { fileMustExist: true });
  try {
    writable.pragma('busy_timeout = 10000');
    return writable
      .prepare("UPDATE jobs SET status = 'dead', lease_until = NULL, last_error = 'set aside by the bench after its time bound' WHERE id > ? AND status IN ('pending', 'running')")
      .run(firstJobId).changes;
  } finally {
    writable.close();
  }
}

/** A chat turn ('help') once a second until stopped; a turn still waiting at the end counts as long as it has waited. */
function probeTurns(agent: TeamsAgent): { stop(): Promise<{ latencies: number[]; unanswered: number }> } {
  let running = true;
  let waitingSince: number | undefined;
  const latencies: number[] = [];
  const loop = (async () => {
    while (running) {
      waitingSince = performance.now();
      const turn = await agent.say('help');
      waitingSince = undefined;
      latencies.push(turn.latencyMs);
      await sleep(1000);
    }
  })();
  return {
    async stop() {
      running = false;
      await Promise.race([loop, sleep(2000)]);
      const unanswered = waitingSince === undefined ? 0 : 1;
      if (waitingSince !== undefined) latencies.push(performance.now() - waitingSince);
      return { latencies, unanswered };
    },
  };
}

/** "38.6 SQL statements per call turn, 21 ms of SQLite per turn; the costliest: …". */
function sqlLine(count: (SqlCount & { per: string; perUnit: number; units: number }) | undefined): string {
  if (!count) return '';
  const top = count.top
    .slice(0, 3)
    .map((t) => `"${t.sql.slice(0, 90)}${t.sql.length > 90 ? '…' : ''}" ${fmt(t.ms / count.units, 2)} ms per ${count.per} (${fmt(t.count / count.units, 1)} runs)`)
    .join('; ');
  return `${fmt(count.perUnit)} SQL statements per ${count.per}, taking ${fmt(count.ms / count.units, 2)} ms in SQLite (prepare, once per SQL text, + run); the costliest: ${top}`;
}

interface BurstOutcome {
  interactions: number;
  /** Jobs the burst queued, and how many were done within the bound. */
  jobs: number;
  done: number;
  dead: number;
  retried: number;
  complete: boolean;
  /** The transaction that completed them all (ms). */
  transactionMs: number;
  /** Commit → last job finished (s), or the bound when not all were done. */
  seconds: number;
  jobsPerSecond: number;
  /** Jobs of this burst have ids above this. */
  firstJobId: number;
}

/**
 * Ends and completes the given interactions in one transaction (endAndCompleteAtOnce): what
 * CallLifecycle.hangup then completeAcw write; then waits until the product's worker has done every job, or
 * `boundSeconds` passed.
 */
async function burstThroughStore(
  context: BenchContext,
  db: Database.Database,
  items: Array<{ interactionId: string; agentId: string }>,
  boundSeconds: number,
  onCommitted?: () => void,
): Promise<BurstOutcome> {
  if (items.length === 0) throw new Error('no interaction to complete: every call failed (see the failures in the results)');
  context.log(`product: ${items.length} interactions end and complete After Call Work at once (one transaction)`);
  const firstJobId = (db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM jobs').get() as { id: number }).id;
  const store = await openStore({ dataDir: context.dataDir });
  const started = performance.now();
  let committedWall = 0;
  try {
    await endAndCompleteAtOnce(store.db, items);
    committedWall = Date.now();
    onCommitted?.();
  } finally {
    await store.close();
  }
  const transactionMs = round(performance.now() - started, 0);
  const counts = db.prepare(
    "SELECT COUNT(*) AS jobs, COALESCE(SUM(status = 'done'), 0) AS done, COALESCE(SUM(status = 'dead'), 0) AS dead, COALESCE(SUM(status IN ('pending', 'running')), 0) AS open, COALESCE(SUM(attempts > 1), 0) AS retried, MAX(finished_at) AS last FROM jobs WHERE id > ?",
  );
  type Counts = { jobs: number; done: number; dead: number; open: number; retried: number; last: string | null };
  const deadline = performance.now() + boundSeconds * 1000;
  let state = counts.get(firstJobId) as Counts;
  while (state.open > 0 && performance.now() < deadline) {
    await sleep(50);
    state = counts.get(firstJobId) as Counts;
  }
  const complete = state.open === 0;
  const seconds = complete && state.last ? (Date.parse(state.last) - committedWall) / 1000 : boundSeconds;
  return {
    interactions: items.length,
    jobs: state.jobs,
    done: state.done,
    dead: state.dead,
    retried: state.retried,
    complete,
    transactionMs,
    seconds: round(seconds, 2),
    jobsPerSecond: round((state.done + state.dead) / Math.max(seconds, 0.001), 0),
    firstJobId,
  };
}

/**
 * Timeline activities per interaction and record, counted in the CRM itself: duplicates by the tasks' own
 * fields and by activity key; missing: timeline jobs that are done but whose activity is not there.
 */
function countDuplicates(db: Database.Database, interactionIds: string[], firstJobId: number) {
  const duplicateKeys = (db.prepare("SELECT COUNT(*) AS n FROM (SELECT value FROM crm_record_keys WHERE kind = 'activity' GROUP BY value HAVING COUNT(*) > 1)").get() as { n: number }).n;
  const duplicateTasks = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT json_extract(fields, '$.interactionId') AS interaction, json_extract(fields, '$.regardingType') AS type, json_extract(fields, '$.regardingId') AS regarding, COUNT(*) AS c
         FROM crm_records WHERE type = 'task' AND json_extract(fields, '$.interactionId') IN (SELECT value FROM json_each(?)) GROUP BY interaction, type, regarding HAVING c > 1)`,
      )
      .get(JSON.stringify(interactionIds)) as { n: number }
  ).n;
  const tasks = (
    db.prepare("SELECT COUNT(*) AS n FROM crm_records WHERE type = 'task' AND json_extract(fields, '$.interactionId') IN (SELECT value FROM json_each(?))").get(JSON.stringify(interactionIds)) as {
      n: number;
    }
  ).n;
  // Each timeline job done wrote the activity of its interaction and record (its key, as the workflow builds it).
  const doneTimeline = db.prepare("SELECT subject, record_type AS type, record_id AS id FROM jobs WHERE id > ? AND kind = 'timeline' AND status = 'done'").all(firstJobId) as Array<{
    subject: string;
    type: string;
    id: string;
  }>;
  const hasActivity = db.prepare("SELECT 1 FROM crm_record_keys WHERE kind = 'activity' AND value = ?");
  let missingTasks = 0;
  for (const job of doneTimeline) {
    if (!hasActivity.get(timelineActivityKey(job.subject, { type: job.type, id: job.id }))) missingTasks++;
  }
  return { duplicateKeys, duplicateTasks, tasksOfBurst: tasks, timelineJobsDone: doneTimeline.length, missingTasks };
}
