import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchConfig } from './config.js';
import { fmt } from './scenario.js';
import type { ScenarioResult } from './scenario.js';

export const ACD_SLUGS = ['acd-events', 'acd-outbound', 'acd-storm'];
const START = '<!-- acd-bench:start -->';
const END = '<!-- acd-bench:end -->';

/**
 * `npm run bench -- --only acd-events,acd-outbound,acd-storm` (the ACD scenarios alone, issue 13) writes its
 * figures into their own section of BENCHMARKS.md, between markers, leaving the rest of the file (the last
 * full run's) as it is; a full run writes the whole file, these rows in its table.
 */
export function writeAcdSection(
  file: string,
  results: ScenarioResult[],
  run: { started: Date; seconds: number; revision: string; loadAtStart: number[]; loadAtEnd: number[]; config: BenchConfig },
  table: (rows: ScenarioResult['rows']) => string,
): void {
  const rows = results.filter((r) => ACD_SLUGS.includes(r.slug)).flatMap((r) => r.rows);
  const misses = results.flatMap((r) => r.misses).filter((m) => rows.some((row) => row.scenario === m.scenario));
  const notes = results.filter((r) => ACD_SLUGS.includes(r.slug)).flatMap((r) => (r.notes ?? []).map((n) => `- ${r.title}: ${n}`));
  const section = `${START}
## ACD: events in → card, outbound state sync, event storms (issue 13)

Written by \`npm run bench -- --only ${ACD_SLUGS.join(',')}\` on ${run.started.toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(run.seconds)} s, commit ${run.revision},
on ${run.config.contacts.toLocaleString('en-US')} contacts; load average (1, 5, 15 min) at the start ${run.loadAtStart.join(', ')} and at the end ${run.loadAtEnd.join(', ')}
(2 cores: other processes had most of them, so every wall-clock figure here is slower than the machine alone gives).
Details in \`bench/results/acd-*.json\`. How it is measured:

${acdHowMeasured(run.config)}

${table(rows)}

${misses.length ? `Missed: ${misses.map((m) => `**${m.figure}**: ${m.by}. What dominates: ${m.dominates}.`).join(' ')}\n` : ''}
${notes.join('\n')}
${END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(START);
  const next = at >= 0 ? `${current.slice(0, at)}${section}${current.slice(current.indexOf(END) + END.length)}` : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** How the ACD scenarios measure, for BENCHMARKS.md ("How it is measured" of a full run, and the ACD section). */
export function acdHowMeasured(config: BenchConfig): string {
  return `- ACD (issue 13), each scenario with a bot process of its own on the same seeded CRM, \`ACD_SIMULATOR=off\`:
  *events in → card posted* sends signed \`contact.offered\` events to \`POST /api/acd/events\` at ${config.acdRate} per second
  (open loop: each at its time, answered or not) for ${config.acdSeconds} s (offering stops at 1.5× that: a bot that falls behind is
  measured over fewer contacts), after ${config.acdWarmup} warm-up offers, each to a free one of
  ${config.acdAgents} Available agents, from a number matching one contact; the figure is from the event's POST to the card's POST
  arriving at the recording connector (the card is posted proactively, with the data dip done). When an agent's card is
  there the bench sends the contact's answered, ended and acwCompleted, each in its own request after the one before (as an
  ACD tells them, with no time between), so the agent is free again.
  *Outbound state sync*: ${fmt(config.outboundChanges)} state changes typed in Teams by 50 agents whose Workers TaskRouter named,
  each queued in the ACD outbox for TaskRouter and for the webhook, delivered to the tests' local TaskRouter server
  (test/acd/taskRouterServer.ts, through the twilio library) and webhook receiver (test/acd/webhookReceiver.ts).
  *Storm*: ${config.stormAgents} agents × ${config.stormContacts} contacts (every fifth abandoned while ringing), every event sent 1–3
  times, shuffled, in batches of 1–5 with 8 requests in flight; then bench/lib/acdStorm.ts counts cards beyond one per
  contact, contacts not completed with the ACD's disposition and agents not in their last state (test/acd/storm.test.ts
  runs the same check small in CI).`;
}
