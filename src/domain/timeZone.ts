/**
 * Dates and times as an agent reads them: in their own time zone (Teams' activity.localTimezone, the tab's
 * Intl zone), else UTC. Only a zone the runtime knows is kept, so a client cannot make formatting throw.
 */
const MAX_ZONE = 64;

export function validTimeZone(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ZONE || !/^[A-Za-z0-9_+\-/]+$/.test(raw)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withTime}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
    });
    if (formats.size > 200) formats.clear();
    formats.set(key, format);
  }
  return format;
}

/** "4 Mar 2026, 11:20 CET" for an instant; "4 Mar 2026" for a date alone; the text itself when it is neither. */
export function formatWhen(value: string, timeZone: string | null | undefined): string {
  if (!value) return '';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const time = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) return value;
  // A date alone is a calendar day, not an instant: it is read as it is, in no zone.
  return formatFor(dateOnly ? 'UTC' : (timeZone ?? 'UTC'), !dateOnly).format(new Date(time));
}
