import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { clockTime, localDayStart, nextDate } from './adherenceTime.js';
import type { ScheduleImporter, ScheduleImportResult } from './ports.js';
import { excerpt, SCHEDULE_MAX_BYTES } from './scheduleLines.js';

/**
 * The schedule commands of the WFM command line (`npm run wfm -- …`, dispatched by src/wfm/wfmCommands.ts):
 *   import-schedule <file.csv|file.json>   publishes a schedule and lists the lines it refused
 *   show-schedule <agent email or id> <YYYY-MM-DD>   an agent's schedule on a site day
 * Each takes its arguments and returns the text to print; a mistake in the arguments throws
 * ScheduleUsageError (exit 2), a schedule that cannot be read at all an invalid_input AppError (exit 1).
 */
export const SCHEDULE_USAGE = `  npm run wfm -- import-schedule <file.csv|file.json>
      Publishes a schedule: CSV with the header agent,activity,start,end (agent: email or Entra object id;
      start and end ISO-8601 with an offset), or JSON [{agent, activity, start, end}]. Each agent's schedule
      over the span their lines cover is replaced; refused lines are listed with their number and why.
  npm run wfm -- show-schedule <agent email or id> <YYYY-MM-DD>
      An agent's schedule on that day of the site (WFM_SITE_TIME_ZONE).`;

export class ScheduleUsageError extends Error {
  override readonly name = 'ScheduleUsageError';
}

/** Refusals printed in full up to this many; the rest are counted. */
const MAX_REFUSALS_SHOWN = 50;

export async function importScheduleCommand(args: readonly string[], deps: { schedules: ScheduleImporter }): Promise<string> {
  if (args.length !== 1) throw new ScheduleUsageError('import-schedule takes one file: import-schedule <file.csv|file.json>');
  const path = args[0]!;
  const extension = extname(path).toLowerCase();
  if (extension !== '.csv' && extension !== '.json') throw new ScheduleUsageError(`import-schedule: the file must end in .csv or .json (${excerpt(path)})`);
  const size = await stat(path).then(
    (info) => (info.isFile() ? info.size : undefined),
    () => undefined,
  );
  if (size === undefined) throw new ScheduleUsageError(`import-schedule: no readable file at ${excerpt(path)}`);
  if (size > SCHEDULE_MAX_BYTES) throw new ScheduleUsageError(`import-schedule: the file is over ${SCHEDULE_MAX_BYTES / 1024 / 1024} MB`);
  const result = await deps.schedules.importSchedule(await readFile(path, 'utf8'), extension === '.csv' ? 'csv' : 'json');
  return describeImport(result);
}

export function describeImport(result: ScheduleImportResult): string {
  const lines = [`Published ${result.imported} schedule ${result.imported === 1 ? 'line' : 'lines'} for ${result.agents} ${result.agents === 1 ? 'agent' : 'agents'}.`];
  if (result.rejected.length > 0) {
    lines.push(`Refused ${result.rejected.length} ${result.rejected.length === 1 ? 'line' : 'lines'}:`);
    for (const refusal of result.rejected.slice(0, MAX_REFUSALS_SHOWN)) lines.push(`  line ${refusal.line}: ${refusal.reason}`);
    if (result.rejected.length > MAX_REFUSALS_SHOWN) lines.push(`  … and ${result.rejected.length - MAX_REFUSALS_SHOWN} more`);
  }
  return lines.join('\n');
}

export async function showScheduleCommand(args: readonly string[], deps: { unit: UnitOfWork; siteTimeZone: string }): Promise<string> {
  if (args.length !== 2) throw new ScheduleUsageError('show-schedule takes an agent and a date: show-schedule <agent email or id> <YYYY-MM-DD>');
  const [ref, date] = args as [string, string];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new ScheduleUsageError(`show-schedule: the date must be YYYY-MM-DD (${excerpt(date)})`);
  }
  if (ref.length > 320) throw new ScheduleUsageError('show-schedule: the agent is over 320 characters');
  const zone = deps.siteTimeZone;
  const agent = (await deps.unit.repos.schedules.agentsByRefs([ref]))[0];
  if (!agent) return `No agent known by ${excerpt(ref)} (an email or Entra object id).`;
  const from = localDayStart(date, zone);
  const to = localDayStart(nextDate(date), zone);
  const lines = await deps.unit.repos.schedules.ofAgent(agent.id, from.toISOString(), to.toISOString());
  const title = `${agent.name} on ${date} (${zone})`;
  if (lines.length === 0) return `${title}: nothing scheduled.`;
  const when = (iso: string) => {
    const instant = new Date(iso);
    const time = clockTime(instant, zone);
    return instant < from ? `${time} (the day before)` : instant > to ? `${time} (the day after)` : time;
  };
  return [`${title}:`, ...lines.map((line) => `  ${when(line.start)}–${when(line.end)}  ${line.activity}`)].join('\n');
}
