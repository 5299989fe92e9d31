const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * createdAtWithMilliseconds ("2021-01-15T03:20:50.52-04:00") as ISO-8601 UTC with milliseconds
 * ("2021-01-15T07:20:50.520Z"); undefined when it is not a real instant with an offset (or Z). A time
 * without an offset is refused: whose local time it would be is not known. Digits past milliseconds are dropped.
 */
export function utcMillisecondsOf(value: string): string | undefined {
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 30 February into March: a real calendar date survives the round trip.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const sign = m[8]!.startsWith('-') ? -1 : 1;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return new Date(local - sign * (offsetHours * 60 + offsetMinutes) * 60_000).toISOString();
}
