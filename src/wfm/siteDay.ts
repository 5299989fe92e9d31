import { invalidInput } from '../domain/errors.js';

/*
 * The site's calendar days, for the `report` command and its CSV: which local date an instant falls on, and the
 * UTC instants a local date runs between. (src/wfm/intervalMath.ts, written alongside, holds the interval
 * arithmetic; this keeps to the day.)
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (formats.size > 50) formats.clear();
    formats.set(zone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a zone, read as if they were UTC (ms). */
function wallClock(instantMs: number, zone: string): number {
  const parts = Object.fromEntries(
    partsFormat(zone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** The local date (YYYY-MM-DD) an instant falls on in the zone. */
export function siteDateOf(instant: Date, zone: string): string {
  return new Date(wallClock(instant.getTime(), zone)).toISOString().slice(0, 10);
}

/** The date `days` calendar days from `date` (YYYY-MM-DD), whatever the zone: -1 is yesterday. */
export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whether the text is a real calendar date YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(time).toISOString().slice(0, 10) === text;
}

function dateMs(date: string): number {
  if (!isCalendarDate(date)) throw invalidInput('date: must be a calendar date YYYY-MM-DD, such as 2026-12-07');
  return Date.parse(`${date}T00:00:00.000Z`);
}

/**
 * The first instant of the local day: local midnight, or the first local time after it where a DST change
 * skips midnight (America/Santiago). Found by correcting a UTC guess by the zone's offset, twice: the offset
 * at the guess may differ from the offset at the answer.
 */
function localMidnight(dayStartMs: number, zone: string): number {
  let guess = dayStartMs;
  for (let i = 0; i < 3; i++) {
    const next = dayStartMs - (wallClock(guess, zone) - guess);
    if (next === guess) break;
    guess = next;
  }
  // A skipped midnight lands the guess on the previous day's last hour: the day starts when the clocks jump.
  while (wallClock(guess, zone) < dayStartMs) guess += 15 * 60_000;
  return guess;
}

/** The site-local day `date` as UTC instants [start, end): 24 hours, or 23 or 25 on a DST change. */
export function siteDayRange(date: string, zone: string): { start: Date; end: Date } {
  const dayStart = dateMs(date);
  return { start: new Date(localMidnight(dayStart, zone)), end: new Date(localMidnight(dayStart + DAY_MS, zone)) };
}
