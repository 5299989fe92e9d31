/**
 * `npm run bench`: every scenario of issue 6, one table, bench/results/<scenario>.json, and BENCHMARKS.md.
 * `npm run bench -- --quick` runs the same at small sizes (about a minute) to check the harness; it writes
 * bench/results/quick/ and leaves BENCHMARKS.md alone. Knobs: bench/lib/config.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { planFor } from '../scripts/seed/generate.js';
import { REPO } from './lib/child.js';
import { revision } from './lib/revision.js';
import { ACD_SLUGS, acdHowMeasured, writeAcdSection } from './lib/acdReport.js';
import { loadBenchConfig, type BenchConfig } from './lib/config.js';
import { keptSections, withKeptSections } from './lib/keptSections.js';
import { moduleCosts } from './lib/moduleCost.js';
import { type BenchContext, type Row, type ScenarioResult, writeResult } from './lib/scenario.js';
import { acdEvents } from './scenarios/acdEvents.js';
import { acdOutbound } from './scenarios/acdOutbound.js';
import { acdStorm } from './scenarios/acdStorm.js';
import { acwInstances } from './scenarios/acwInstances.js';
import { aniLookup } from './scenarios/aniLookup.js';
import { cardSize } from './scenarios/cardSize.js';
import { reportCardScenario } from './scenarios/reportCard.js';
import { digital } from './scenarios/digital.js';
import { bundle, coldStart } from './scenarios/coldStart.js';
import { echoFloor } from './scenarios/echoFloor.js';
import { productSession } from './scenarios/productSession.js';
import { seed } from './scenarios/seed.js';
import { wfm } from './scenarios/wfm.js';

interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  revision: string;
}

const SESSION = ['call-card', 'memory', 'link', 'acw-burst'];

function wanted(config: BenchConfig, ...slugs: string[]): boolean {
  return config.only.length === 0 || slugs.some((s) => config.only.includes(s));
}

function table(rows: Row[]): string {
  const header = ['scenario', 'figure', 'value', 'goal', 'verdict'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.value, r.goal, r.verdict === 'met' ? 'met' : r.verdict === 'missed' ? 'MISSED' : r.verdict === 'floor' ? 'floor' : '—']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const verdict = (r: Row) => (r.verdict === 'met' ? '✅ met' : r.verdict === 'missed' ? '❌ **missed**' : r.verdict === 'floor' ? 'floor' : '—');
  return [
    '| scenario | figure | value | goal | verdict |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.figure)} | ${esc(r.value)} | ${esc(r.goal)} | ${verdict(r)} |`),
  ].join('\n');
}

function markdown(machine: Machine, config: BenchConfig, results: ScenarioResult[], started: Date, seconds: number): string {
  const rows = results.flatMap((r) => r.rows);
  const misses = results.flatMap((r) => r.misses);
  const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.title}: ${n}`));
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(seconds)} s. Do not edit by hand: every
figure below comes from that run; the details of each scenario are in \`bench/results/<scenario>.json\`, the CPU
profiles in \`bench/results/profiles/\` (not committed; open them in Chrome DevTools).

**Code measured:** commit ${machine.revision}.

**Machine:** ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB memory, Node ${machine.node}, ${machine.platform}.
Load average (1, 5, 15 min) at the start ${machine.loadAverageAtStart.join(', ')} and at the end ${(machine.loadAverageAtEnd ?? []).join(', ')}:
other processes shared the cores during the run, so wall-clock figures (latencies, rates) carry their noise;
CPU-time figures (CPU per turn) are the bot process's own accounting and are steadier.

**Sizes:** ${config.contacts.toLocaleString('en-US')} contacts; echo ${config.echoTurns.toLocaleString('en-US')} turns; ${config.calls.toLocaleString('en-US')} measured calls (after ${config.warmupCalls} warm-up calls), ${config.concurrency} turns in flight;
Link: ${config.linkAgents} agents each clicking every ${config.linkThinkMs / 2}–${(config.linkThinkMs * 3) / 2} ms for ${config.linkSeconds} s; ACW burst: the measured calls' interactions complete
at once (at most ${config.acwSeconds} s for their jobs); ${config.aniLookups.toLocaleString('en-US')} ANI lookups; ${config.coldStarts} cold starts per runtime (one without tsx's cache).
Time bounds: the measured calls stop after ${config.callSeconds} s, the ACW burst's jobs are waited for ${config.acwSeconds} s; a figure taken over less than its size says so.

${markdownTable(rows)}

## Missed goals

${misses.length ? misses.map((m) => `- **${m.scenario}, ${m.figure}**: ${m.by}. What dominates: ${m.dominates}.`).join('\n') : 'None.'}

${notes.length ? `## Notes\n\n${notes.join('\n')}\n` : ''}
## How it is measured

- The bot under test runs in its own process, built as \`npm run build\` builds the product (\`bench/botProcess.ts\`,
  which calls \`startProduct\` as \`src/index.ts\` does, bundled by scripts/build.ts and run with node, as
  \`npm run start:prod\` runs; \`BENCH_RUNTIME=tsx\` runs it under tsx as \`npm start\` does), with LOG_LEVEL=silent and
  no BOT_ID, on a free loopback port. The echo floor is built and run the same way. The load generator and the
  recording connector (the bot's \`serviceUrl\`) run in the bench process. A chat turn's latency is from its POST to
  the bot's reply arriving at the recording connector; a card action's (an \`adaptiveCard/action\` invoke) is from
  its POST to its answer. CPU per turn is the bot process's \`process.cpuUsage()\` over the measured turns (and the
  background work they cause, until the process is idle again), divided by the turns; memory is its RSS.
- The floor is \`bench/echoBot.ts\`: a bare botbuilder CloudAdapter + restify bot answering every message with one
  small Adaptive Card, started and loaded the same way.
- Each \`call\` is taken by a fresh Available agent and comes from a number that matches one contact; the Link
  agents' numbers match several records, and each agent first gets its own view of the card through the card's
  \`refresh\` action, as Teams does (CARD_MESSAGE_VIEW=shared). The ACW burst ends and completes the measured
  calls' interactions in one transaction written by the bench through the product's own store functions (what
  \`hangup\` and Complete ACW write), then waits for the product's worker to do every timeline and memorialization
  job; duplicates and missing activities are counted in the CRM tables. The Link agents' Complete ACW clicks go
  through Teams-shaped invokes.
- Profiles: each turn scenario is run once more under the CPU profiler (and with its SQL statements counted and
  timed); those runs are not measured. A profile's "self time" puts native code (SQLite, JSON) with its caller.
- ACW burst on PostgreSQL (\`acw-instances\`): on a fresh database of the local PostgreSQL (BENCH_DATABASE_URL), the
  product's processes (one, then two, started as the chaos run starts them) take calls through Teams activities,
  then the bench completes them all in one transaction, as in the ACW burst, and times every job done.
- The seed (\`npm run seed\`) writes the rows the embedded connector writes (same tables, names and keys).
${acdHowMeasured(config)}
`;
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const started = new Date();
  const t0 = performance.now();
  const machine: Machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    revision: revision(),
  };
  const resultsDir = config.quick ? join(REPO, 'bench', 'results', 'quick') : join(REPO, 'bench', 'results');
  const profilesDir = join(resultsDir, 'profiles');
  mkdirSync(profilesDir, { recursive: true });
  const dataDir = join(config.dataRoot, String(config.contacts));
  mkdirSync(dataDir, { recursive: true });
  const context: BenchContext = {
    config,
    plan: planFor(config.contacts),
    dataDir,
    resultsDir,
    profilesDir,
    log: (message) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
  };
  context.log(`${config.quick ? 'quick run' : 'full run'} on ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')}`);

  const results: ScenarioResult[] = [];
  const done = (result: ScenarioResult) => {
    results.push(result);
    writeResult(context, result, { date: started.toISOString(), machine, config });
    for (const row of result.rows) context.log(`  ${row.figure}: ${row.value}${row.goal ? ` (goal ${row.goal})` : ''}${row.verdict === 'missed' ? ' MISSED' : ''}`);
  };

  // Sequential, one CPU-hungry thing at a time (2 cores: the bot gets one, the load generator the other).
  done(await seed(context, config.contacts));
  if (wanted(config, 'ani-lookup')) done(await aniLookup(context));
  if (wanted(config, 'cold-start')) done(await coldStart(context));
  let wire: { cardBytes: number; activityBytes: number } | undefined;
  if (wanted(config, 'echo-floor', ...SESSION)) {
    const echo = await echoFloor(context);
    done(echo.result);
    if (wanted(config, ...SESSION)) {
      const session = await productSession(context, echo.floor);
      for (const result of session.results) done(result);
      wire = session.wire;
    }
  }
  if (wanted(config, 'card-size')) done(await cardSize(context, wire));
  // Issue 12: many instances, one truth; and two instances on one PostgreSQL work faster than one.
  if (wanted(config, 'acw-instances')) done(await acwInstances(context));
  // Issue 13: the ACD drives the app (events in → card, the outbound sync, storms).
  if (wanted(config, 'acd-events')) done(await acdEvents(context));
  if (wanted(config, 'acd-outbound')) done(await acdOutbound(context));
  if (wanted(config, 'acd-storm')) done(await acdStorm(context));
  // Issue 14: digital conversations through the channels API, replies out to the integration box.
  if (wanted(config, 'digital')) done(await digital(context));
  // Issue 15: the supervisors' report card (the day's store read is the WFM scenario's).
  if (wanted(config, 'report-card')) done(await reportCardScenario(context));
  // Issue 15: workforce data: the log appends with their rollups, and a day's interval reports read from them.
  if (wanted(config, 'wfm')) done(await wfm(context));

  // Where the idle memory goes, when it is over: what each loaded dependency costs a fresh process.
  const memory = results.find((r) => r.slug === 'memory');
  const idleMiss = memory?.misses.find((m) => m.figure === 'RSS idle');
  if (memory && idleMiss) {
    context.log('memory: what importing each loaded dependency costs a fresh node process');
    const cold = results.find((r) => r.slug === 'cold-start')?.figures.bundle as { dependencies?: string[] } | undefined;
    const costs = await moduleCosts(cold?.dependencies ?? (await bundle()).dependencies);
    memory.figures.dependencyCosts = costs;
    idleMiss.dominates += `; importing alone (RSS a fresh node process gains, overlapping): ${costs
      .slice(0, 6)
      .map((c) => `${c.name} +${c.rssMb} MB`)
      .join(', ')}`;
    writeResult(context, memory, { date: started.toISOString(), machine, config });
  }

  machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const seconds = (performance.now() - t0) / 1000;
  const rows = results.flatMap((r) => r.rows);
  process.stdout.write(`\n${table(rows)}\n`);
  const misses = results.flatMap((r) => r.misses);
  if (misses.length) {
    process.stdout.write('\nMissed goals:\n');
    for (const m of misses) process.stdout.write(`- ${m.scenario}, ${m.figure}: ${m.by}. What dominates: ${m.dominates}\n`);
  }
  process.stdout.write(`\n${results.length} scenarios in ${seconds.toFixed(0)} s; results in ${resultsDir}\n`);
  if (config.writeMarkdown && !config.quick && config.only.length === 0) {
    const file = join(REPO, 'BENCHMARKS.md');
    const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
    writeFileSync(file, withKeptSections(previous, markdown(machine, config, results, started, seconds)));
    process.stdout.write(`BENCHMARKS.md rewritten (${keptSections(previous).length} hand-written sections kept)\n`);
  } else if (config.writeMarkdown && !config.quick && config.only.every((slug) => ACD_SLUGS.includes(slug))) {
    const run = { started, seconds, revision: machine.revision, loadAtStart: machine.loadAverageAtStart, loadAtEnd: machine.loadAverageAtEnd ?? [], config };
    writeAcdSection(join(REPO, 'BENCHMARKS.md'), results, run, markdownTable);
    process.stdout.write('BENCHMARKS.md: its ACD section rewritten\n');
  } else {
    process.stdout.write('BENCHMARKS.md left alone (quick run, --only or --no-write)\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
