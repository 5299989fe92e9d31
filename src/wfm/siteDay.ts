import { invalidInput } from '../domain/errors.js';
import { isCalendarDate, localDay, localIso } from './intervalMath.js';

export { isCalendarDate };

/*
 * The site's calendar days, for the `report` command and its CSV: which local date an instant falls on, and the
 * UTC instants a local date runs between (the arithmetic itself is src/wfm/intervalMath.ts's).
 */

const DAY_MS = 86_400_000;

/** The local date (YYYY-MM-DD) an instant falls on in the zone. */
export function siteDateOf(instant: Date, zone: string): string {
  return localIso(instant.getTime(), zone).slice(0, 10);
}

/** The date `days` calendar days from `date` (YYYY-MM-DD), whatever the zone: -1 is yesterday. */
export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

function dateMs(date: string): number {
  if (!isCalendarDate(date)) throw invalidInput('date: must be a calendar date YYYY-MM-DD, such as 2026-12-07');
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** The site-local day `date` as UTC instants [start, end): 24 hours, or 23 or 25 on a DST change (intervalMath.ts's localDay). */
export function siteDayRange(date: string, zone: string): { start: Date; end: Date } {
  dateMs(date);
  const { start, end } = localDay(date, zone);
  return { start: new Date(start), end: new Date(end) };
}
