import { invalidInput } from '../domain/errors.js';
import { readCsv } from './csvReader.js';

/**
 * A published schedule's text, line by line (pure): CSV with the header `agent,activity,start,end` (any order),
 * or JSON `[{agent, activity, start, end}]` / `{"activities": [...]}`. Each line is checked on its own; a bad
 * one is refused with its number and why (naming the field, with at most a short excerpt of what was given)
 * and the others still load. What makes the whole text unreadable (too big, no header, not JSON) throws.
 *
 * Line numbers: in CSV the line the record starts on (the header is line 1); in JSON the entry's position in
 * the list (the first is 1).
 */
export const SCHEDULE_MAX_BYTES = 2 * 1024 * 1024;
export const SCHEDULE_MAX_LINES = 20_000;
export const ACTIVITY_MAX_CHARS = 40;
const AGENT_MAX_CHARS = 320;
const MAX_SPAN_MS = 24 * 3_600_000;
const COLUMNS = ['agent', 'activity', 'start', 'end'] as const;
type Column = (typeof COLUMNS)[number];

/** A line whose fields are sound; `agent` is still the text given (an email or an Entra object id). */
export interface ScheduleLine {
  line: number;
  agent: string;
  activity: string;
  startMs: number;
  endMs: number;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface ParsedSchedule {
  lines: ScheduleLine[];
  rejected: RejectedLine[];
}

export function parseSchedule(text: string, format: 'csv' | 'json'): ParsedSchedule {
  if (Buffer.byteLength(text, 'utf8') > SCHEDULE_MAX_BYTES) throw invalidInput(`schedule: over ${SCHEDULE_MAX_BYTES / 1024 / 1024} MB`);
  const raw = format === 'csv' ? csvEntries(text) : jsonEntries(text);
  if (raw.length > SCHEDULE_MAX_LINES) throw invalidInput(`schedule: over ${SCHEDULE_MAX_LINES} lines (${raw.length}); publish it in parts`);
  const parsed: ParsedSchedule = { lines: [], rejected: [] };
  for (const entry of raw) {
    const checked = 'problem' in entry ? { reason: entry.problem } : checkLine(entry.line, entry.values);
    if ('reason' in checked) parsed.rejected.push({ line: entry.line, reason: checked.reason });
    else parsed.lines.push(checked);
  }
  return parsed;
}

type RawEntry = { line: number; values: Partial<Record<Column, unknown>> } | { line: number; problem: string };

function csvEntries(text: string): RawEntry[] {
  const records = readCsv(text);
  const header = records.shift();
  const columns = header && 'fields' in header ? header.fields.map((name) => name.trim().toLowerCase()) : [];
  const sameColumns = columns.length === COLUMNS.length && COLUMNS.every((column) => columns.includes(column));
  if (!sameColumns) throw invalidInput(`schedule: the first line must be the header ${COLUMNS.join(',')}`);
  return records.map((record) => {
    if ('problem' in record) return record;
    if (record.fields.length !== COLUMNS.length) return { line: record.line, problem: `has ${record.fields.length} fields, expected ${COLUMNS.length} (${COLUMNS.join(',')})` };
    return { line: record.line, values: Object.fromEntries(columns.map((column, index) => [column, record.fields[index]])) };
  });
}

function jsonEntries(text: string): RawEntry[] {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw invalidInput('schedule: is not JSON');
  }
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.activities) ? body.activities : undefined;
  if (!list) throw invalidInput('schedule: must be a JSON list of {agent, activity, start, end}, or {"activities": [...]}');
  return list.map((item: unknown, index) => (isObject(item) ? { line: index + 1, values: item } : { line: index + 1, problem: 'must be an object {agent, activity, start, end}' }));
}

function checkLine(line: number, values: Partial<Record<Column, unknown>>): ScheduleLine | { reason: string } {
  for (const column of COLUMNS) {
    const value = values[column];
    if (value === undefined || (typeof value === 'string' && !value.trim())) return { reason: `${column}: required` };
    if (typeof value !== 'string') return { reason: `${column}: must be text` };
  }
  const text = values as Record<Column, string>;
  const agent = text.agent.trim();
  if (agent.length > AGENT_MAX_CHARS) return { reason: `agent: over ${AGENT_MAX_CHARS} characters` };
  const activity = text.activity.trim();
  if (activity.length > ACTIVITY_MAX_CHARS || /\p{Cc}/u.test(activity)) return { reason: `activity: must be 1 to ${ACTIVITY_MAX_CHARS} characters without control characters (${excerpt(activity)})` };
  const startMs = instantOf(text.start);
  if (startMs === undefined) return { reason: `start: not an ISO-8601 time with an offset, such as 2026-12-07T09:00:00+01:00 (${excerpt(text.start)})` };
  const endMs = instantOf(text.end);
  if (endMs === undefined) return { reason: `end: not an ISO-8601 time with an offset, such as 2026-12-07T17:00:00+01:00 (${excerpt(text.end)})` };
  if (endMs <= startMs) return { reason: 'end: not after start' };
  if (endMs - startMs > MAX_SPAN_MS) return { reason: 'end: more than 24 hours after start' };
  return { line, agent, activity, startMs, endMs };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** An ISO-8601 date and time with `Z` or an offset, as epoch milliseconds; undefined for anything else (a day that does not exist included). */
export function instantOf(raw: string): number | undefined {
  const match = ISO.exec(raw.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zulu, sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || Number(offsetHours) > 14 || Number(offsetMinutes) > 59) return undefined;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0')));
  if (new Date(local).getUTCDate() !== d) return undefined;
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return local - offsetMs;
}

/** At most a few characters of what was given, printable, quoted: enough to find the line, never the whole of it. */
export function excerpt(value: string): string {
  const printable = value.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return JSON.stringify(printable.length > 24 ? `${printable.slice(0, 24)}…` : printable);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses every line that overlaps an earlier kept line of the same agent in the same file (lines meeting
 * end to start do not overlap). `agentOf` gives the agent a line is for (resolved, so two names of one agent agree).
 */
export function rejectOverlaps<L extends ScheduleLine>(lines: readonly L[], agentOf: (line: L) => string): { kept: L[]; rejected: RejectedLine[] } {
  const kept: L[] = [];
  const rejected: RejectedLine[] = [];
  const byAgent = new Map<string, L[]>();
  for (const line of lines) {
    const agentId = agentOf(line);
    let sorted = byAgent.get(agentId);
    if (!sorted) byAgent.set(agentId, (sorted = []));
    // The first kept line starting at or after this one's start, and the one before it: only they can overlap it.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]!.startMs < line.startMs) low = mid + 1;
      else high = mid;
    }
    const clash = [sorted[low - 1], sorted[low]].find((other) => other && other.startMs < line.endMs && line.startMs < other.endMs);
    if (clash) {
      rejected.push({ line: line.line, reason: `overlaps line ${clash.line} of the same agent` });
      continue;
    }
    sorted.splice(low, 0, line);
    kept.push(line);
  }
  return { kept, rejected };
}
