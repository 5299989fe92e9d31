/**
 * An HTTP Retry-After value as milliseconds to wait (RFC 9110 §10.2.3): delay-seconds, or an HTTP date
 * (a date already past is 0). Some services send fractional seconds; they are read too. Undefined when the
 * header is absent or unreadable, so the caller falls back to its own backoff. One parser for every
 * outside service we call (CRMs, Teams), so they all read the same header the same way.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date starts with its day name ("Sat, 14 Mar 2026 09:30:05 GMT"); Date.parse would read "-3" as a year.
  const at = /^[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
