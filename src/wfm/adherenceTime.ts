/**
 * The little time arithmetic adherence needs, kept private to it (src/wfm/intervalMath.ts may absorb it):
 * whole seconds, 15-minute alignment, a site's local midnight and clock time.
 */
export const QUARTER_HOUR_SECONDS = 15 * 60;

/** Epoch seconds of an ISO instant, milliseconds dropped: adherence counts whole seconds. */
export function epochSecond(iso: string | Date): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return Math.floor(ms / 1000);
}

/** Quarter hours are aligned to :00/:15/:30/:45 in UTC and in every zone (offsets are whole quarter hours). */
export function quarterHourFloor(second: number): number {
  return Math.floor(second / QUARTER_HOUR_SECONDS) * QUARTER_HOUR_SECONDS;
}

export function quarterHourCeil(second: number): number {
  return Math.ceil(second / QUARTER_HOUR_SECONDS) * QUARTER_HOUR_SECONDS;
}

export const isoOfSecond = (second: number): string => new Date(second * 1000).toISOString();

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `zone`'s wall clock is ahead of UTC at `ms`, in milliseconds. */
function offsetAt(zone: string, ms: number): number {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partsFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant the site's day `date` (YYYY-MM-DD) begins: its local midnight (or the first instant after it, when a DST change skips midnight). */
export function localDayStart(date: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(year, month - 1, day);
  let guess = wallMidnight - offsetAt(zone, wallMidnight);
  guess = wallMidnight - offsetAt(zone, guess);
  return new Date(guess);
}

/** The day after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
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
