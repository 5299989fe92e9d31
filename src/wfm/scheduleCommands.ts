import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { clockTime, localDayStart } from './adherenceTime.js';
import { isCalendarDate } from './intervalMath.js';
import { addDays } from './siteDay.js';
import type { ScheduleImporter, ScheduleImportResult } from './ports.js';
import { excerpt, SCHEDULE_MAX_BYTES } from './scheduleLines.js';

/**
 * The schedule commands of the WFM command line (`npm run wfm -- …`, dispatched by src/wfm/wfmCommands.ts):
 *   import-schedule <file.csv|file.json>   publishes a schedule and lists the lines it refused
 *   show-schedule <agent email or id> <YYYY-MM-DD>   an agent's schedule on a site day
 * Each takes its arguments and returns the text to print; a mistake in the arguments throws
 * ScheduleUsageError (exit 2), a schedule that cannot be read at all an invalid_input AppError (exit 1).
 */
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
  if (!isCalendarDate(date)) throw new ScheduleUsageError(`show-schedule: the date must be YYYY-MM-DD (${excerpt(date)})`);
  if (ref.length > 320) throw new ScheduleUsageError('show-schedule: the agent is over 320 characters');
  const zone = deps.siteTimeZone;
  const agent = (await deps.unit.repos.schedules.agentsByRefs([ref]))[0];
  if (!agent) return `No agent known by ${excerpt(ref)} (an email or Entra object id).`;
  const from = localDayStart(date, zone);
  const to = localDayStart(addDays(date, 1), zone);
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
