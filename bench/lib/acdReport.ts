import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchConfig } from './config.js';
import type { ScenarioResult } from './scenario.js';

export const ACD_SLUGS = ['acd-events', 'acd-outbound', 'acd-storm'];
const START = '<!-- acd-bench:start -->';
const END = '<!-- acd-bench:end -->';

/**
 * `npm run bench -- --only acd-events,acd-outbound,acd-storm` (the ACD scenarios alone, issue 13) writes its
 * figures into their own section of BENCHMARKS.md, between markers, leaving the rest of the file (the last
 * full run's) as it is; a full run writes the whole file, these rows in its table.
 */
export function writeAcdSection(file: string, results: ScenarioResult[], run: { started: Date; seconds: number; revision: string; loadAtStart: number[]; loadAtEnd: number[]; config: BenchConfig }, table: (rows: ScenarioResult['rows']) => string): void {
  const rows = results.filter((r) => ACD_SLUGS.includes(r.slug)).flatMap((r) => r.rows);
  const misses = results.flatMap((r) => r.misses).filter((m) => rows.some((row) => row.scenario === m.scenario));
  const notes = results.filter((r) => ACD_SLUGS.includes(r.slug)).flatMap((r) => (r.notes ?? []).map((n) => `- ${r.title}: ${n}`));
  const section = `${START}
## ACD: events in → card, outbound state sync, event storms (issue 13)

Written by \`npm run bench -- --only ${ACD_SLUGS.join(',')}\` on ${run.started.toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(run.seconds)} s, commit ${run.revision},
on ${run.config.contacts.toLocaleString('en-US')} contacts; load average (1, 5, 15 min) at the start ${run.loadAtStart.join(', ')} and at the end ${run.loadAtEnd.join(', ')}
(2 cores: other processes had most of them, so every wall-clock figure here is slower than the machine alone gives).
How each is measured: "How it is measured" above, last item. Details in \`bench/results/acd-*.json\`.

${table(rows)}

${misses.length ? `Missed: ${misses.map((m) => `**${m.figure}**: ${m.by}. What dominates: ${m.dominates}.`).join(' ')}\n` : ''}
${notes.join('\n')}
${END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(START);
  const next = at >= 0 ? `${current.slice(0, at)}${section}${current.slice(current.indexOf(END) + END.length)}` : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
