import { invalidInput } from '../domain/errors.js';
import { INTERVAL_MS } from '../domain/wfm.js';

/**
 * 15-minute interval arithmetic, pure. An interval is [start, start + 15 min), aligned to :00, :15, :30 and :45.
 * Every IANA zone's offset is a whole number of quarter hours, so an interval's instants are the same in UTC and
 * in the site's zone; only its label (`localStart`) differs. Instants are epoch milliseconds here, ISO text at
 * the edges.
 */

/** The start of the interval `ms` falls in (an instant exactly on a boundary starts its own interval). */
export function alignDown(ms: number): number {
  return Math.floor(ms / INTERVAL_MS) * INTERVAL_MS;
}

export function isBoundary(ms: number): boolean {
  return ms % INTERVAL_MS === 0;
}

/** The starts of every interval of [from, to) (both on boundaries), in order; none when from ≥ to. */
export function intervalStarts(from: number, to: number): number[] {
  const starts: number[] = [];
  for (let start = alignDown(from); start < to; start += INTERVAL_MS) starts.push(start);
  return starts;
}

/** How long a span [start, end) lasts in each interval it touches, in order; none when it is empty. */
export function clipToIntervals(start: number, end: number): Array<{ start: number; ms: number }> {
  const pieces: Array<{ start: number; ms: number }> = [];
  for (let at = start; at < end;) {
    const intervalStart = alignDown(at);
    const until = Math.min(end, intervalStart + INTERVAL_MS);
    pieces.push({ start: intervalStart, ms: until - at });
    at = until;
  }
  return pieces;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (partsFormats.size > 100) partsFormats.clear();
    partsFormats.set(zone, format);
  }
  return format;
}

/** The zone's offset from UTC at instant `ms`, in minutes (+60 for Paris in winter). */
export function offsetMinutes(ms: number, zone: string): number {
  const parts = Object.fromEntries(
    partsFormat(zone)
      .formatToParts(new Date(ms))
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const wallClockAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wallClockAsUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const two = (n: number) => String(n).padStart(2, '0');

/** The instant as the site's clock reads it, with its offset: "2026-03-29T01:45:00+01:00". */
export function localIso(ms: number, zone: string): string {
  const offset = offsetMinutes(ms, zone);
  const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The interval starting at `start`, with its times as the reports give them. */
export function intervalAt(start: number, zone: string): { start: string; end: string; localStart: string } {
  return { start: new Date(start).toISOString(), end: new Date(start + INTERVAL_MS).toISOString(), localStart: localIso(start, zone) };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The site-local day `date` (YYYY-MM-DD) as [start, end): from its local midnight to the next day's. On a DST
 * change the day is 23 or 25 hours long (92 or 100 intervals). In a zone whose clocks jump at midnight, the day
 * starts at the first instant of that date. Throws invalidInput naming `field` for a date that does not exist.
 */
export function localDay(date: string, zone: string, field = 'date'): { start: number; end: number } {
  const match = DATE.exec(date);
  const midnightUtc = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date) {
    throw invalidInput(`${field}: expected a date as YYYY-MM-DD`, { field });
  }
  return { start: localMidnight(midnightUtc, zone), end: localMidnight(midnightUtc + 86_400_000, zone) };
}

/** The instant the site's clock shows 00:00 of the day whose UTC midnight is `midnightUtc` (or first shows that day). */
function localMidnight(midnightUtc: number, zone: string): number {
  // The offset at the guess is the offset at midnight, except when a change falls between them: check once more.
  let guess = midnightUtc - offsetMinutes(midnightUtc, zone) * 60_000;
  guess = midnightUtc - offsetMinutes(guess, zone) * 60_000;
  // Clocks jumping over midnight: the wall clock never reads 00:00, and the guess lands on the previous day.
  if (new Date(guess + offsetMinutes(guess, zone) * 60_000).toISOString().slice(0, 10) < new Date(midnightUtc).toISOString().slice(0, 10)) {
    guess += 60 * 60_000;
  }
  return guess;
}
