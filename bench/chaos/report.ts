import { JITTER_MS, type FieldEditResult } from './fieldEdits.js';
import type { ChaosOptions } from './options.js';
import { editsLost, GOALS, verdicts, type BackendSummary } from './summary.js';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  revision: string;
  /** JOB_LEASE_MS / JOB_HEARTBEAT_MS as the bots got them ("unset": the product's default). */
  leaseEnv: Record<string, string>;
}

const mark = (ok: boolean) => (ok ? '✅ met' : '❌ **missed**');
const num = (n: number) => n.toLocaleString('en-US');
const secs = (s: number | null) => (s === null ? '—' : `${s.toFixed(1)} s`);
const backendName = (s: { backend: string; processes: number }) => (s.backend === 'sqlite' ? 'SQLite, 1 process' : `PostgreSQL, ${s.processes} processes`);

/** CHAOS.md: the figures of one chaos run, what they were measured on, and how to run it again. */
export function chaosMarkdown(
  options: ChaosOptions,
  machine: Machine,
  started: Date,
  seconds: number,
  backends: BackendSummary[],
  edits: FieldEditResult[],
  stoppedEarly: string | undefined,
  failedTrials: string[],
): string {
  const rows: string[] = [];
  for (const s of backends) {
    const v = verdicts(s);
    const name = `${backendName(s)}, ${s.trials} trials`;
    rows.push(`| ${name} | timeline activities lost (missing) | ${num(s.lost)} of ${num(s.pairs)} (call, record) pairs | 0 | ${mark(s.lost === 0)} |`);
    rows.push(`| ${name} | timeline activities doubled | ${num(s.doubled)} | 0 | ${mark(s.doubled === 0)} |`);
    rows.push(`| ${name} | records with stale memorialized fields | ${num(s.stale)} of ${num(s.records)} (in ${s.trialsWithStale} trials) | 0 | ${mark(v.stale)} |`);
    rows.push(
      `| ${name} | takeover of the killed process's jobs, p50 / max | ${secs(s.takeover.p50)} / ${secs(s.takeover.max)} (${s.trialsWithOrphans} trials where it held leased jobs${s.takeover.notTakenOver ? `; ${s.takeover.notTakenOver} jobs never taken over` : ''}) | ≤ ${GOALS.takeoverSeconds} s | ${mark(v.takeover)} |`,
    );
    if (s.unsettled) rows.push(`| ${name} | trials whose jobs were not all done within ${options.settleSeconds} s | ${s.unsettled} | 0 | ${mark(false)} |`);
  }
  for (const e of edits) {
    rows.push(
      `| ${backendName(e)} | concurrent field-edit pairs: writes lost | ${num(editsLost(e))} (${e.editLost + e.bothLost} edits, ${e.memorializationLost + e.bothLost} memorializations) in ${num(e.ran)} pairs | 0 | ${mark(editsLost(e) === 0 && e.ran > 0)} |`,
    );
  }
  const details = backends
    .map(
      (s) =>
        `- **${backendName(s)}**: ${num(s.completedInteractions)} calls completed; ${num(s.stepFailures)} agent steps failed (requests cut by the kill; their agent was given up, the interaction counted only if it completed); ` +
        `restart to /healthz p50 ${secs(s.restartSeconds.p50)}, max ${secs(s.restartSeconds.max)}; ${s.jobsDead} jobs dead; ${s.ambiguousOrder} records whose calls' times disagreed on the newest.` +
        (s.examples.length ? `\n  Examples: ${s.examples.map((e) => `\`${e}\``).join('; ')}` : ''),
    )
    .concat(
      edits.map(
        (e) =>
          `- **Field edits, ${backendName(e)}**: ${e.bothKept} pairs kept both writes; ${e.stepFailures} pairs failed a step (not counted).${e.examples.length ? ` Examples: ${e.examples.map((x) => `\`${x}\``).join('; ')}` : ''}`,
      ),
    )
    .join('\n');
  const lease = Object.entries(machine.leaseEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `# Chaos run

Issue 10's crash and concurrency figures: \`npm run chaos\` (bench/chaos/), against the production build.
${stoppedEarly ? `\n**Stopped early:** ${stoppedEarly}\n` : ''}${failedTrials.length ? `\n**${failedTrials.length} trial(s) could not be run to the end** (not in the figures): ${failedTrials.map((f) => `\`${f}\``).join('; ')}\n` : ''}
**Code measured:** commit ${machine.revision}. **Machine:** ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB memory, Node ${machine.node}, ${machine.platform}.
**When:** ${started.toISOString()}, ${Math.round(seconds / 60)} min. **Run:** ${options.quick ? '--quick, ' : ''}${options.trials} trials per backend, ${options.lanes} lanes × ${options.callsPerLane} calls on ${options.recordsPerLane} contacts per lane, ${options.pairs} field-edit pairs (${options.pairBatch} at once), seed ${options.seed}; ${lease}.

| backend | figure | value | goal | verdict |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

${details}

## What a trial does

1. A fresh store: a new DATA_DIR (SQLite, one bot process), or a new database on the local PostgreSQL server with two bot processes on it (started one after the other). The demo CRM is seeded by the first process.
2. The ACW burst: ${options.lanes} lanes of agents, each with its own ${options.recordsPerLane} contacts, make ${options.callsPerLane} whole calls each through Teams activities (\`available\`, \`call <phone>\`, the card's refresh, Link on every record the card offers, \`hangup\`, Complete ACW with a disposition that changes from call to call). A lane's calls are one after the other, so every record gets several calls, each newer than the last, and the newer ones' memorialization writes the records the older ones' jobs write too.
3. The kill: after a random share (25–60 %) of the burst's calls, from the next Complete ACW sent to the victim (its commit wakes the victim's own worker at once; the other polls once a second), as soon as a job of an interaction completed through the victim is leased (looked for over 0.4 s after each of up to 10 such sends, then regardless), one process (on PostgreSQL, one of the two at random) gets SIGKILL and is started again at once; on PostgreSQL its agents go on with the other process meanwhile. An agent whose request was cut is given up (what the request did is unknown), and its lane goes on with a new agent.
4. When every job is done (at most ${options.settleSeconds} s), the database is read directly: for every completed interaction and every record linked to it, the embedded CRM's tasks naming both are counted (0 = lost, > 1 = doubled); every record linked to a completed interaction must hold the memorialized fields (config/crm-configurations.json) of the newest of them, by the call's end (else stale).
5. The takeover: the jobs leased at the kill whose attempts rose afterwards were the killed process's; the time from the kill to the last of them done (their \`finished_at\`) is the takeover time.

The field-edit pairs: on each contact, agent A completes ACW of a call linked to it (its memorialization writes lastContactAt, lastAgent, lastDisposition) while agent B, on an open call with the same contact, saves an edit of accountName through the card's update action, up to ${JITTER_MS} ms later (at random); on PostgreSQL A and B talk to different processes. After the jobs are done, both writes must be in the record.

## Rerun

\`\`\`sh
npm run chaos                     # 100 trials per backend and 200 pairs: writes bench/results/chaos.json and CHAOS.md
npm run chaos -- --quick          # 5 trials, 50 pairs: bench/results/quick/chaos.json only
npm run chaos -- --trials 20 --backends postgres --seed 42
JOB_LEASE_MS=5000 npm run chaos   # the bots get JOB_LEASE_MS / JOB_HEARTBEAT_MS from the environment
\`\`\`

PostgreSQL: \`--database-url\` (default postgres://postgres@127.0.0.1:5432/test, loopback only) is where each trial's database (\`chaos_*\`) is created and dropped. Every figure comes from the tables, not from the agents' view; all traffic is on 127.0.0.1.
`;
}
