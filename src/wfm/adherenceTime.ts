import { INTERVAL_MINUTES } from '../domain/wfm.js';
import { alignDown, localDay } from './intervalMath.js';

/**
 * The time arithmetic adherence counts in: whole seconds, 15-minute alignment in seconds, a site's local
 * midnight (intervalMath.ts's) and clock time.
 */
export const QUARTER_HOUR_SECONDS = INTERVAL_MINUTES * 60;

/** Epoch seconds of an ISO instant, milliseconds dropped: adherence counts whole seconds. */
export function epochSecond(iso: string | Date): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return Math.floor(ms / 1000);
}

/** Quarter hours are aligned to :00/:15/:30/:45 in UTC and in every zone (offsets are whole quarter hours). */
export function quarterHourFloor(second: number): number {
  return alignDown(second * 1000) / 1000;
}

export function quarterHourCeil(second: number): number {
  return Math.ceil(second / QUARTER_HOUR_SECONDS) * QUARTER_HOUR_SECONDS;
}

export const isoOfSecond = (second: number): string => new Date(second * 1000).toISOString();

/** The instant the site's day `date` (YYYY-MM-DD) begins: its local midnight (or the first instant after it, when a DST change skips midnight). */
export function localDayStart(date: string, zone: string): Date {
  return new Date(localDay(date, zone).start);
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "10:02": the time of day of an instant in `zone`. */
export function clockTime(instant: Date, zone: string): string {
  let format = clockFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(zone, format);
  }
  return format.format(instant);
}
