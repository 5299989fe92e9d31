import { describe, expect, it } from 'vitest';
import { readReportRange } from '../../src/wfm/reportRange.js';
import { preferredFormat } from '../../src/wfm/wfmQuery.js';

const range = (from: string | undefined, to: string | undefined, zone = 'Europe/Paris') => {
  const r = readReportRange(from, to, zone);
  return r.ok ? { from: r.from.toISOString(), to: r.to.toISOString() } : `${r.field}: ${r.problem}`;
};

describe('the span a report asks for', () => {
  it('takes instants with their offset, to exclusive', () => {
    expect(range('2026-11-30T08:00:00+01:00', '2026-11-30T09:15:00Z')).toEqual({ from: '2026-11-30T07:00:00.000Z', to: '2026-11-30T09:15:00.000Z' });
    expect(range('2026-11-30T07:45Z', '2026-11-30T08:00:00.000Z')).toEqual({ from: '2026-11-30T07:45:00.000Z', to: '2026-11-30T08:00:00.000Z' });
  });

  it('reads an unencoded + (a space in a query) as the offset sign', () => {
    expect(range('2026-11-30T08:00:00 01:00', '2026-11-30T09:00:00 01:00')).toEqual({ from: '2026-11-30T07:00:00.000Z', to: '2026-11-30T08:00:00.000Z' });
  });

  it('takes site-local dates, to inclusive: from local midnight to the next day’s', () => {
    expect(range('2026-11-30', '2026-11-30')).toEqual({ from: '2026-11-29T23:00:00.000Z', to: '2026-11-30T23:00:00.000Z' });
    expect(range('2026-11-30', '2026-11-30', 'UTC')).toEqual({ from: '2026-11-30T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect(range('2026-11-30', '2026-11-30', 'America/New_York')).toEqual({ from: '2026-11-30T05:00:00.000Z', to: '2026-12-01T05:00:00.000Z' });
    // A date and an instant mix: each is read by its own kind.
    expect(range('2026-11-30', '2026-11-30T12:00:00+01:00')).toEqual({ from: '2026-11-29T23:00:00.000Z', to: '2026-11-30T11:00:00.000Z' });
  });

  it('gives DST days their 23 and 25 hours, and a month across a change fits', () => {
    expect(range('2026-03-29', '2026-03-29')).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(range('2026-10-25', '2026-10-25')).toEqual({ from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
    expect(range('2026-10-01', '2026-10-31')).toEqual({ from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z' });
  });

  it('starts a day whose midnight a DST change skips where it begins', () => {
    // America/Santiago springs forward at local midnight: 2026-09-06 begins at 01:00 -03:00.
    expect(range('2026-09-06', '2026-09-06', 'America/Santiago')).toEqual({ from: '2026-09-06T04:00:00.000Z', to: '2026-09-07T03:00:00.000Z' });
  });

  it.each([
    [undefined, '2026-11-30', 'from: required'],
    ['2026-11-30', undefined, 'to: required'],
    ['2026-11-30T08:05:00Z', '2026-11-30T09:00:00Z', 'from: must be on a 15-minute interval boundary'],
    ['2026-11-30T08:00:30Z', '2026-11-30T09:00:00Z', 'from: must be on a 15-minute interval boundary'],
    ['2026-11-30T08:00:00Z', '2026-11-30T09:00:00.001Z', 'to: must be on a 15-minute interval boundary'],
    ['2026-11-30T08:00:00', '2026-11-30T09:00:00Z', 'from: must be an ISO 8601 instant with its offset'],
    ['yesterday', '2026-11-30', 'from: must be an ISO 8601 instant'],
    ['2026-02-30', '2026-03-01', 'from: is not a calendar date'],
    ['2026-11-30T25:00:00Z', '2026-12-01', 'from: is not a valid instant'],
    ['2026-11-30', '2026-11-29', 'to: must be after from'],
    ['2026-11-30T09:00:00Z', '2026-11-30T09:00:00Z', 'to: must be after from'],
    ['2026-11-01', '2026-12-02', 'to: the range is at most 31 days'],
    ['2026-11-30'.repeat(5), '2026-11-30', 'from: must be an ISO 8601 instant or a date'],
  ])('refuses from=%s to=%s, naming the field', (from, to, problem) => {
    expect(range(from, to)).toContain(problem);
  });

  it('takes 31 days, not 32', () => {
    expect(range('2026-11-01', '2026-12-01')).toEqual({ from: '2026-10-31T23:00:00.000Z', to: '2026-12-01T23:00:00.000Z' });
  });
});

describe('the format by the Accept header', () => {
  it.each([
    [undefined, 'json'],
    ['*/*', 'json'],
    ['text/csv', 'csv'],
    ['text/csv;q=0.5, application/json', 'json'],
    ['application/json;q=0.2, text/csv', 'csv'],
    ['text/csv, application/json', 'csv'],
    ['text/csv;q=0', 'json'],
    ['TEXT/CSV', 'csv'],
  ])('Accept: %s → %s', (accept, format) => {
    expect(preferredFormat(accept)).toBe(format);
  });
});
