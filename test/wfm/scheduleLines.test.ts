import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { readCsv } from '../../src/wfm/csvReader.js';
import { excerpt, instantOf, parseSchedule, rejectOverlaps, SCHEDULE_MAX_LINES } from '../../src/wfm/scheduleLines.js';

describe('reading CSV (RFC 4180)', () => {
  it('reads quoted commas, doubled quotes and line breaks, keeping the line each record starts on', () => {
    const text = '\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",z\nlast,\n';
    expect(readCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['two\nlines', 'z'] },
      { line: 6, fields: ['last', ''] },
    ]);
  });

  it('refuses a record with a stray quote or a quote never closed, and reads on', () => {
    expect(readCsv('a,b"c\nok,1\n"x"y,2\n')).toEqual([
      { line: 1, problem: 'a quote inside a field that does not start with one' },
      { line: 2, fields: ['ok', '1'] },
      { line: 3, problem: 'text after a closing quote' },
    ]);
    expect(readCsv('ok,1\n"never closed,2\nmore,3')).toEqual([
      { line: 1, fields: ['ok', '1'] },
      { line: 2, problem: 'a quoted field is never closed' },
    ]);
  });
});

describe('schedule times', () => {
  it('reads ISO-8601 with Z or an offset, to the millisecond', () => {
    expect(instantOf('2026-12-07T09:00:00+01:00')).toBe(Date.parse('2026-12-07T08:00:00Z'));
    expect(instantOf('2026-12-07T09:00-0530')).toBe(Date.parse('2026-12-07T14:30:00Z'));
    expect(instantOf('2026-12-07T09:00:00.25Z')).toBe(Date.parse('2026-12-07T09:00:00.250Z'));
  });

  it.each(['2026-12-07T09:00:00', '2026-02-30T09:00:00Z', '2026-12-07T24:00:00Z', '2026-12-07 09:00:00Z', '0099-12-07T09:00:00Z', '2026-12-07T09:00:00+15:00', 'tomorrow'])('refuses %s', (raw) => {
    expect(instantOf(raw)).toBeUndefined();
  });
});

describe('schedule lines', () => {
  const csv = (...rows: string[]) => ['agent,activity,start,end', ...rows].join('\n');

  it('keeps the good lines and refuses each bad one with its number, naming the field', () => {
    const parsed = parseSchedule(
      csv(
        'ann@contoso.example,Phone,2026-12-07T09:00:00+01:00,2026-12-07T12:00:00+01:00',
        'ann@contoso.example,Phone,2026-12-07T09:00:00+01:00,2026-12-07T09:00:00+01:00',
        'ann@contoso.example,Phone,2026-12-07T09:00:00Z,2026-12-08T09:00:01Z',
        `ann@contoso.example,${'x'.repeat(41)},2026-12-07T09:00:00Z,2026-12-07T10:00:00Z`,
        'ann@contoso.example,Phone,9am,2026-12-07T10:00:00Z',
        'ann@contoso.example,,2026-12-07T09:00:00Z,2026-12-07T10:00:00Z',
        'ann@contoso.example,Phone',
      ),
      'csv',
    );
    expect(parsed.lines).toEqual([{ line: 2, agent: 'ann@contoso.example', activity: 'Phone', startMs: Date.parse('2026-12-07T08:00:00Z'), endMs: Date.parse('2026-12-07T11:00:00Z') }]);
    expect(parsed.rejected).toEqual([
      { line: 3, reason: 'end: not after start' },
      { line: 4, reason: 'end: more than 24 hours after start' },
      { line: 5, reason: `activity: must be 1 to 40 characters without control characters ("${'x'.repeat(24)}…")` },
      { line: 6, reason: 'start: not an ISO-8601 time with an offset, such as 2026-12-07T09:00:00+01:00 ("9am")' },
      { line: 7, reason: 'activity: required' },
      { line: 8, reason: 'has 2 fields, expected 4 (agent,activity,start,end)' },
    ]);
  });

  it('reads the columns in any order, and JSON as a list or {"activities": [...]}', () => {
    const reordered = parseSchedule('Start,End,Agent,Activity\n2026-12-07T09:00:00Z,2026-12-07T10:00:00Z,ann,Phone', 'csv');
    expect(reordered.lines).toMatchObject([{ line: 2, agent: 'ann', activity: 'Phone' }]);
    const entry = { agent: 'ann', activity: 'Phone', start: '2026-12-07T09:00:00Z', end: '2026-12-07T10:00:00Z' };
    expect(parseSchedule(JSON.stringify([entry]), 'json').lines).toHaveLength(1);
    const wrapped = parseSchedule(JSON.stringify({ activities: [entry, 'Phone', { ...entry, start: 9 }, { ...entry, agent: undefined }] }), 'json');
    expect(wrapped.lines.map((line) => line.line)).toEqual([1]);
    expect(wrapped.rejected).toEqual([
      { line: 2, reason: 'must be an object {agent, activity, start, end}' },
      { line: 3, reason: 'start: must be text' },
      { line: 4, reason: 'agent: required' },
    ]);
  });

  it('refuses a whole text it cannot read: no header, not JSON, too big, too many lines', () => {
    const problem = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('invalid_input');
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(problem(() => parseSchedule('ann,Phone,2026-12-07T09:00:00Z,2026-12-07T10:00:00Z', 'csv'))).toBe('schedule: the first line must be the header agent,activity,start,end');
    expect(problem(() => parseSchedule('[{"agent":', 'json'))).toBe('schedule: is not JSON');
    expect(problem(() => parseSchedule('{"lines": []}', 'json'))).toContain('must be a JSON list');
    expect(problem(() => parseSchedule(csv('a'.repeat(2 * 1024 * 1024)), 'csv'))).toBe('schedule: over 2 MB');
    const row = 'a,P,2026-12-07T09:00:00Z,2026-12-07T10:00:00Z';
    expect(problem(() => parseSchedule(csv(...Array<string>(SCHEDULE_MAX_LINES + 1).fill(row)), 'csv'))).toContain('over 20000 lines');
    expect(parseSchedule(csv(...Array<string>(SCHEDULE_MAX_LINES).fill(row)), 'csv').lines).toHaveLength(SCHEDULE_MAX_LINES);
  });

  it('refuses a line overlapping an earlier one of the same agent; lines end to start do not overlap', () => {
    const hour = (h: number) => Date.parse('2026-12-07T00:00:00Z') + h * 3_600_000;
    const line = (n: number, agent: string, from: number, to: number) => ({ line: n, agent, activity: 'Phone', startMs: hour(from), endMs: hour(to) });
    const lines = [line(2, 'ann', 9, 12), line(3, 'ann', 12, 13), line(4, 'ANN', 8, 10), line(5, 'bo', 8, 10), line(6, 'ann', 7, 8), line(7, 'ann', 12, 12.5)];
    const { kept, rejected } = rejectOverlaps(lines, (l) => l.agent.toLowerCase());
    expect(kept.map((l) => l.line)).toEqual([2, 3, 5, 6]);
    expect(rejected).toEqual([
      { line: 4, reason: 'overlaps line 2 of the same agent' },
      { line: 7, reason: 'overlaps line 3 of the same agent' },
    ]);
  });

  it('quotes a short, printable excerpt', () => {
    expect(excerpt('abc')).toBe('"abc"');
    expect(excerpt('a\u0000b\u202e')).toBe('"a?b?"');
    expect(excerpt('x'.repeat(100))).toBe(`"${'x'.repeat(24)}…"`);
  });
});
