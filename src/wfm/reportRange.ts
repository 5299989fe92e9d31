import { isBoundary } from './intervalMath.js';
import { MAX_RANGE_DAYS, MAX_RANGE_MS } from './intervalReports.js';
import { isCalendarDate, siteDayRange } from './siteDay.js';

/**
 * The span a WFM system asks for (`from`, `to` of /api/wfm/intervals and /api/wfm/agent-activity). Each is
 * either an instant or a site-local date:
 * - an instant: ISO 8601 with its offset (`2026-11-30T08:15:00+01:00`, `…Z`), on an interval boundary
 *   (:00, :15, :30, :45). `from` is the first interval's start, `to` the end of the last (exclusive).
 * - a date, `YYYY-MM-DD`, in the site's time zone: as `from`, that day's local midnight; as `to`, the next
 *   day's local midnight (the day is included). `from=2026-11-30&to=2026-11-30` is that whole site day.
 * A `+` sent unencoded in a query arrives as a space: `08:15:00 01:00` is read as `08:15:00+01:00`.
 */

export type ReportRange = { ok: true; from: Date; to: Date } | { ok: false; field: 'from' | 'to'; problem: string };

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+\- ]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads `from` and `to` (absent: undefined) into the instants [from, to), or the first problem, naming its field. */
export function readReportRange(fromText: string | undefined, toText: string | undefined, siteTimeZone: string): ReportRange {
  const from = readBound('from', fromText, siteTimeZone);
  if (!from.ok) return from;
  const to = readBound('to', toText, siteTimeZone);
  if (!to.ok) return to;
  if (to.at <= from.at) return { ok: false, field: 'to', problem: 'must be after from' };
  if (to.at - from.at > MAX_RANGE_MS) return { ok: false, field: 'to', problem: `the range is at most ${MAX_RANGE_DAYS} days` };
  return { ok: true, from: new Date(from.at), to: new Date(to.at) };
}

type Bound = { ok: true; at: number } | { ok: false; field: 'from' | 'to'; problem: string };

function readBound(field: 'from' | 'to', text: string | undefined, zone: string): Bound {
  const refuse = (problem: string): Bound => ({ ok: false, field, problem });
  if (text === undefined || text === '') return refuse('required: an ISO 8601 instant with its offset on a 15-minute boundary, or a date YYYY-MM-DD');
  if (text.length > 40) return refuse('must be an ISO 8601 instant or a date YYYY-MM-DD');
  if (DATE.test(text)) {
    if (!isCalendarDate(text)) return refuse('is not a calendar date');
    // A date as `to` is included: its span ends where the next day starts.
    const day = siteDayRange(text, zone);
    return { ok: true, at: (field === 'to' ? day.end : day.start).getTime() };
  }
  const instant = INSTANT.exec(text);
  if (!instant) return refuse('must be an ISO 8601 instant with its offset (Z or ±hh:mm) or a date YYYY-MM-DD');
  const at = Date.parse(`${instant[1]}${instant[2]!.replace(' ', '+')}`);
  if (Number.isNaN(at)) return refuse('is not a valid instant');
  if (!isBoundary(at)) return refuse('must be on a 15-minute interval boundary (:00, :15, :30 or :45, no seconds)');
  return { ok: true, at };
}
