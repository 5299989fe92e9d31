/**
 * `npm run chaos`: issue 10's chaos run. kill -9 trials during ACW bursts on SQLite (one process) and on
 * PostgreSQL (two processes on one database), then concurrent field-edit pairs on each; counts lost,
 * doubled and stale CRM writes and the takeover time from the database itself. Writes
 * bench/results/chaos.json and CHAOS.md (a --quick run: bench/results/quick/chaos.json only).
 * Knobs: bench/chaos/options.ts. Bounded by --max-minutes; only loopback traffic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../lib/child.js';
import { revision } from '../lib/revision.js';
import { Recorder } from '../lib/recorder.js';
import { buildChaosBot } from './build.js';
import { fieldEdits, type FieldEditResult } from './fieldEdits.js';
import { loadChaosOptions, randomFrom } from './options.js';
import { chaosMarkdown, type Machine } from './report.js';
import { dropLeftovers } from './store.js';
import { summarize, verdicts, editsLost } from './summary.js';
import { killTrial, type TrialResult } from './trial.js';

const options = loadChaosOptions();
const started = new Date();
const deadline = performance.now() + options.maxMinutes * 60_000;
const log = (message: string) => process.stdout.write(`[chaos ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(5)} s] ${message}\n`);
const machine: Machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  revision: revision(),
  leaseEnv: { JOB_LEASE_MS: process.env.JOB_LEASE_MS ?? 'unset', JOB_HEARTBEAT_MS: process.env.JOB_HEARTBEAT_MS ?? 'unset' },
};
const run = started.getTime().toString(36);
const random = randomFrom(options.seed);

log(
  `${options.quick ? 'quick run' : 'run'}: ${options.trials} trials on ${options.backends.join(' and ')}, ${options.pairs} field-edit pairs; seed ${options.seed}; JOB_LEASE_MS ${machine.leaseEnv.JOB_LEASE_MS}`,
);
if (options.backends.includes('postgres')) {
  const dropped = await dropLeftovers(options.databaseUrl);
  if (dropped) log(`dropped ${dropped} chaos database(s) an earlier run left`);
}
log('building the production bundle');
const bundle = await buildChaosBot();
const recorder = new Recorder();
await recorder.start();

const trials: Record<string, TrialResult[]> = {};
const edits: FieldEditResult[] = [];
/** Trials that could not be run to the end, and why: they count against the run. */
const failedTrials: string[] = [];
let stoppedEarly: string | undefined;
try {
  for (const backend of options.backends) {
    trials[backend] = [];
    for (let trial = 0; trial < options.trials; trial++) {
      if (performance.now() > deadline) {
        stoppedEarly = `the ${options.maxMinutes}-minute bound ran out after ${trials[backend].length} ${backend} trials`;
        log(stoppedEarly);
        break;
      }
      try {
        trials[backend].push(await killTrial(options, backend, trial, run, random, recorder, bundle, log));
      } catch (error) {
        // A process that does not come back, a store that cannot be made: said, counted, and the run goes on.
        failedTrials.push(`${backend} trial ${trial + 1}: ${(error as Error).message.slice(0, 400)}`);
        log(`${failedTrials.at(-1)!}`);
      }
    }
    try {
      edits.push(await fieldEdits(options, backend, run, random, recorder, bundle, log));
    } catch (error) {
      failedTrials.push(`${backend} field edits: ${(error as Error).message.slice(0, 400)}`);
      log(`${failedTrials.at(-1)!}`);
    }
  }
} finally {
  await recorder.stop();
}

const seconds = (Date.now() - started.getTime()) / 1000;
const summaries = options.backends.map((b) => summarize(b, trials[b] ?? []));
const resultsDir = options.quick ? join(REPO, 'bench', 'results', 'quick') : join(REPO, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
if (options.write) {
  writeFileSync(
    join(resultsDir, 'chaos.json'),
    `${JSON.stringify({ date: started.toISOString(), seconds: Math.round(seconds), machine, options, stoppedEarly, failedTrials, summaries, fieldEdits: edits, trials }, null, 2)}\n`,
  );
  log(`wrote ${join(resultsDir, 'chaos.json')}`);
  if (!options.quick) {
    writeFileSync(join(REPO, 'CHAOS.md'), chaosMarkdown(options, machine, started, seconds, summaries, edits, stoppedEarly, failedTrials));
    log('wrote CHAOS.md');
  }
}
for (const s of summaries) {
  const v = verdicts(s);
  log(
    `${s.backend}: ${s.trials} trials, ${s.pairs} pairs: ${s.lost} lost, ${s.doubled} doubled, ${s.stale}/${s.records} stale records; takeover p50 ${s.takeover.p50 ?? '—'} s, max ${s.takeover.max ?? '—'} s ` +
      `(${s.trialsWithOrphans} trials with orphaned jobs) — writes ${v.writes ? 'met' : 'MISSED'}, stale ${v.stale ? 'met' : 'MISSED'}, takeover ${v.takeover ? 'met' : 'MISSED'}`,
  );
}
for (const e of edits) log(`${e.backend} field edits: ${editsLost(e)} writes lost in ${e.ran} pairs`);
if (failedTrials.length) log(`${failedTrials.length} trial(s) failed: ${failedTrials.join(' | ')}`);
