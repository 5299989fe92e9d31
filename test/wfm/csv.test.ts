import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/wfm/csv.js';
import { agentActivityCsv, skillIntervalsCsv } from '../../src/wfm/intervalCsv.js';

describe('toCsv (RFC 4180)', () => {
  it('writes a header line and one CRLF-ended line per row', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          ['y', 2.5],
        ],
      ),
    ).toBe('a,b\r\nx,1\r\ny,2.5\r\n');
  });

  it('quotes a cell holding a comma, a quote or a line break, doubling its quotes', () => {
    expect(toCsv(['name'], [['Lee, Ann'], ['say "hi"'], ['two\nlines'], ['cr\rhere']])).toBe('name\r\n"Lee, Ann"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n');
  });

  it('writes null, undefined and non-finite numbers as empty cells', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[null, undefined, Number.NaN, 0]])).toBe('a,b,c,d\r\n,,,0\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, but not numbers', () => {
    expect(toCsv(['v'], [['=HYPERLINK("http://evil")'], ['+1'], ['-x'], ['@SUM(A1)'], ['\tx'], [-5]])).toBe('v\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'+1\r\n\'-x\r\n\'@SUM(A1)\r\n\'\tx\r\n-5\r\n');
  });
});

const interval = (start: string, rows: any[]) => ({ start, end: new Date(Date.parse(start) + 900_000).toISOString(), localStart: start.replace('.000Z', '+00:00'), rows });

describe('the reports as CSV', () => {
  it('gives every interval a line, an empty one with its times and zeros', () => {
    const csv = skillIntervalsCsv([
      interval('2026-11-30T07:00:00.000Z', []),
      interval('2026-11-30T07:15:00.000Z', [
        { skill: 'Billing', channel: 'voice', offered: 2, handled: 1, abandoned: 1, averageSpeedOfAnswerSeconds: 12.5, averageHandleTimeSeconds: null, serviceLevelPercent: 50 },
        { skill: 'Sales, EU', channel: 'chat', offered: 1, handled: 1, abandoned: 0, averageSpeedOfAnswerSeconds: 3, averageHandleTimeSeconds: 240, serviceLevelPercent: 100 },
      ]),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'interval_start,interval_end,local_start,skill,channel,offered,handled,abandoned,average_speed_of_answer_seconds,average_handle_time_seconds,service_level_percent',
      '2026-11-30T07:00:00.000Z,2026-11-30T07:15:00.000Z,2026-11-30T07:00:00+00:00,,,0,0,0,,,',
      '2026-11-30T07:15:00.000Z,2026-11-30T07:30:00.000Z,2026-11-30T07:15:00+00:00,Billing,voice,2,1,1,12.5,,50',
      '2026-11-30T07:15:00.000Z,2026-11-30T07:30:00.000Z,2026-11-30T07:15:00+00:00,"Sales, EU",chat,1,1,0,3,240,100',
      '',
    ]);
  });

  it('puts one line per interval and agent, seconds per state and Unavailable by reason', () => {
    const csv = agentActivityCsv([
      interval('2026-11-30T07:00:00.000Z', [
        {
          agentId: 'a1',
          agentName: 'Ann Lee',
          states: [
            { state: 'Available', reasonCode: null, seconds: 100 },
            { state: 'Unavailable', reasonCode: 'Lunch', seconds: 300 },
            { state: 'Unavailable', reasonCode: 'Break', seconds: 200 },
            { state: 'Unavailable', reasonCode: null, seconds: 50 },
            { state: 'Working', reasonCode: null, seconds: 150 },
            { state: 'ACW', reasonCode: null, seconds: 100 },
          ],
          contactsHandled: 1,
          handleTimeSeconds: 400,
        },
      ]),
      interval('2026-11-30T07:15:00.000Z', []),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'interval_start,interval_end,local_start,agent_id,agent_name,available_seconds,working_seconds,acw_seconds,unavailable_seconds,unavailable_reasons,contacts_handled,handle_time_seconds',
      '2026-11-30T07:00:00.000Z,2026-11-30T07:15:00.000Z,2026-11-30T07:00:00+00:00,a1,Ann Lee,100,150,100,550,Break:200;Lunch:300,1,400',
      '2026-11-30T07:15:00.000Z,2026-11-30T07:30:00.000Z,2026-11-30T07:15:00+00:00,,,0,0,0,0,,0,0',
      '',
    ]);
  });
});
