/**
 * Fields read in place from a long text, by their [start, end) in it: the rollup reads (wfmRollupReads.ts) get a
 * day's ~200,000 rows as one text per agent, and a string made per field (then parsed, then dropped) would cost
 * more than the query. Each reader gives what the plain parse of the field would (Number, Date.parse).
 */

const ZERO = 48;

/** The digits of text[start, end) as a number (a counter the database wrote), or Number() of the field when it is not only digits. */
export function wholeNumberAt(text: string, start: number, end: number): number {
  const value = digitsAt(text, start, end - start);
  return value >= 0 && end - start < 16 ? value : Number(text.slice(start, end));
}

/** The `length` digits at text[start…] as a number; -1 when one is not a digit (or there are none). */
function digitsAt(text: string, start: number, length: number): number {
  let value = length > 0 ? 0 : -1;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Where toISOString's "2026-12-07T10:15:00.000Z" has its separators. */
const ISO_LENGTH = 24;
const ISO_SEPARATORS: ReadonlyArray<[number, number]> = [4, 7, 10, 13, 16, 19, 23].map((at) => [at, '0000-00-00T00:00:00.000Z'.charCodeAt(at)]);

/** The instant text[start, end) gives, as Date.parse reads it (NaN when it reads none); a toISOString text is read in place. */
export function instantAt(text: string, start: number, end: number): number {
  if (end - start !== ISO_LENGTH) return Date.parse(text.slice(start, end));
  for (const [at, separator] of ISO_SEPARATORS) if (text.charCodeAt(start + at) !== separator) return Date.parse(text.slice(start, end));
  const year = digitsAt(text, start, 4);
  const month = digitsAt(text, start + 5, 2);
  const day = digitsAt(text, start + 8, 2);
  const hour = digitsAt(text, start + 11, 2);
  const minute = digitsAt(text, start + 14, 2);
  const second = digitsAt(text, start + 17, 2);
  const ms = digitsAt(text, start + 20, 3);
  // Date.parse refuses these (and reads 24:00 as the next midnight; Date.UTC reads years 0–99 as 1900–1999): left to it, so both always agree.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return Date.parse(text.slice(start, end));
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * Instants read one after another, most often the same as the one before (a rollup's rows come by interval): a
 * field equal to the last one read is not read again.
 */
export class RepeatedInstants {
  private text = '';
  private start = 0;
  private length = -1;
  private instant = NaN;

  at(text: string, start: number, end: number): number {
    if (end - start === this.length && sameChars(text, start, this.text, this.start, this.length)) return this.instant;
    this.instant = instantAt(text, start, end);
    this.text = text;
    this.start = start;
    this.length = end - start;
    return this.instant;
  }
}

function sameChars(a: string, aStart: number, b: string, bStart: number, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (a.charCodeAt(aStart + i) !== b.charCodeAt(bStart + i)) return false;
  return true;
}

/**
 * The field text[start, end) as a string, the same string each time the same text comes again: a day's rows
 * repeat a handful of states and reason codes ~200,000 times, each of which would otherwise be a new string.
 */
export class RepeatedTexts {
  private readonly seen: string[] = [];

  constructor(private readonly limit = 32) {}

  at(text: string, start: number, end: number): string {
    const length = end - start;
    for (const known of this.seen) if (known.length === length && text.startsWith(known, start)) return known;
    const field = text.slice(start, end);
    // Past the limit, texts are not kept: the search stays short whatever the rows hold.
    if (this.seen.length < this.limit) this.seen.push(field);
    return field;
  }
}
