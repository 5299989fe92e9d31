import { describe, expect, it } from 'vitest';
import { alignDown, clipToIntervals, intervalAt, intervalStarts, isBoundary, localDay, localIso, offsetMinutes } from '../../src/wfm/intervalMath.js';

const t = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();

describe('15-minute interval arithmetic', () => {
  it('puts an instant exactly on a boundary in the interval it starts, and one a millisecond before in the previous', () => {
    expect(iso(alignDown(t('2026-12-07T10:15:00.000Z')))).toBe('2026-12-07T10:15:00.000Z');
    expect(iso(alignDown(t('2026-12-07T10:14:59.999Z')))).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(alignDown(t('2026-12-07T10:29:59.000Z')))).toBe('2026-12-07T10:15:00.000Z');
    expect(isBoundary(t('2026-12-07T10:45:00.000Z'))).toBe(true);
    expect(isBoundary(t('2026-12-07T10:45:01.000Z'))).toBe(false);
  });

  it('lists the intervals of [from, to): to itself is not one, and an empty range has none', () => {
    expect(intervalStarts(t('2026-12-07T10:00:00Z'), t('2026-12-07T11:00:00Z')).map(iso)).toEqual([
      '2026-12-07T10:00:00.000Z',
      '2026-12-07T10:15:00.000Z',
      '2026-12-07T10:30:00.000Z',
      '2026-12-07T10:45:00.000Z',
    ]);
    expect(intervalStarts(t('2026-12-07T10:00:00Z'), t('2026-12-07T10:00:00Z'))).toEqual([]);
    expect(intervalStarts(t('2026-12-07T00:00:00Z'), t('2026-12-08T00:00:00Z'))).toHaveLength(96);
  });

  it('splits a span crossing several intervals and midnight at each boundary, and nothing of an empty span', () => {
    const pieces = clipToIntervals(t('2026-12-07T23:40:10Z'), t('2026-12-08T00:20:00Z'));
    expect(pieces.map((p) => [iso(p.start), p.ms / 1000])).toEqual([
      ['2026-12-07T23:30:00.000Z', 290],
      ['2026-12-07T23:45:00.000Z', 900],
      ['2026-12-08T00:00:00.000Z', 900],
      ['2026-12-08T00:15:00.000Z', 300],
    ]);
    expect(pieces.reduce((sum, p) => sum + p.ms, 0)).toBe(t('2026-12-08T00:20:00Z') - t('2026-12-07T23:40:10Z'));
    // Ending exactly on a boundary: nothing in the interval that boundary starts.
    expect(clipToIntervals(t('2026-12-07T10:10:00Z'), t('2026-12-07T10:15:00Z')).map((p) => iso(p.start))).toEqual(['2026-12-07T10:00:00.000Z']);
    expect(clipToIntervals(t('2026-12-07T10:10:00Z'), t('2026-12-07T10:10:00Z'))).toEqual([]);
  });

  it('gives a normal site day 96 intervals, from its local midnight', () => {
    const day = localDay('2026-12-07', 'Europe/Paris');
    expect(iso(day.start)).toBe('2026-12-06T23:00:00.000Z');
    expect(iso(day.end)).toBe('2026-12-07T23:00:00.000Z');
    expect(intervalStarts(day.start, day.end)).toHaveLength(96);
    expect(localDay('2026-12-07', 'UTC')).toEqual({ start: t('2026-12-07T00:00:00Z'), end: t('2026-12-08T00:00:00Z') });
  });

  it('gives the spring DST day in Paris 92 intervals, labelled +01:00 up to 01:45 and +02:00 from 03:00', () => {
    const day = localDay('2026-03-29', 'Europe/Paris');
    const starts = intervalStarts(day.start, day.end);
    expect(starts).toHaveLength(92);
    const labels = starts.map((s) => intervalAt(s, 'Europe/Paris').localStart);
    expect(labels[0]).toBe('2026-03-29T00:00:00+01:00');
    expect(labels[7]).toBe('2026-03-29T01:45:00+01:00');
    expect(labels[8]).toBe('2026-03-29T03:00:00+02:00');
    expect(labels.at(-1)).toBe('2026-03-29T23:45:00+02:00');
    expect(intervalAt(starts[7]!, 'Europe/Paris')).toEqual({ start: '2026-03-29T00:45:00.000Z', end: '2026-03-29T01:00:00.000Z', localStart: '2026-03-29T01:45:00+01:00' });
  });

  it('gives the autumn DST day in Paris 100 intervals, 02:00–02:45 twice with their two offsets', () => {
    const day = localDay('2026-10-25', 'Europe/Paris');
    const labels = intervalStarts(day.start, day.end).map((s) => intervalAt(s, 'Europe/Paris').localStart);
    expect(labels).toHaveLength(100);
    expect(labels[0]).toBe('2026-10-25T00:00:00+02:00');
    expect(labels.slice(8, 16)).toEqual([
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:15:00+02:00',
      '2026-10-25T02:30:00+02:00',
      '2026-10-25T02:45:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T02:15:00+01:00',
      '2026-10-25T02:30:00+01:00',
      '2026-10-25T02:45:00+01:00',
    ]);
    expect(labels.at(-1)).toBe('2026-10-25T23:45:00+01:00');
  });

  it('labels intervals in zones west of UTC and with quarter-hour offsets', () => {
    expect(localIso(t('2026-12-07T05:15:00Z'), 'America/New_York')).toBe('2026-12-07T00:15:00-05:00');
    expect(localIso(t('2026-12-07T05:15:00Z'), 'Asia/Kathmandu')).toBe('2026-12-07T11:00:00+05:45');
    expect(offsetMinutes(t('2026-07-01T12:00:00.999Z'), 'Europe/Paris')).toBe(120);
    expect(localDay('2026-03-08', 'America/New_York')).toEqual({ start: t('2026-03-08T05:00:00Z'), end: t('2026-03-09T04:00:00Z') });
  });

  it('refuses a date that does not exist, naming the field', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '7 Dec 2026', '2026-12-7', '']) {
      expect(() => localDay(bad, 'UTC', 'from')).toThrow(/^from: expected a date as YYYY-MM-DD$/);
    }
  });
});
