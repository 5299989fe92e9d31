import { describe, expect, it } from 'vitest';
import { describeSeconds, describeStatusFilter, parseStatusFilter, parseStatusMessage } from '../../src/agents/statusFilter.js';

const CODES = ['Lunch', 'Break', 'Meeting'];
const filterOf = (message: string) => {
  const parsed = parseStatusMessage(message, CODES);
  if (!parsed.ok) throw new Error(`refused: ${parsed.problem}`);
  return parsed.filter;
};
const problemOf = (message: string) => {
  const parsed = parseStatusMessage(message, CODES);
  if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(parsed.filter)}`);
  return parsed.problem;
};

describe('the status filters', () => {
  it('reads no filter as every agent', () => {
    expect(filterOf('status')).toEqual({});
    expect(filterOf('  STATUS  all ')).toEqual({});
  });

  it('reads a state, in any case', () => {
    expect(filterOf('status available')).toEqual({ state: 'Available' });
    expect(filterOf('status Unavailable')).toEqual({ state: 'Unavailable' });
    expect(filterOf('status working')).toEqual({ state: 'Working' });
    expect(filterOf('status ACW')).toEqual({ state: 'ACW' });
  });

  it('reads a reason code as configured, alone or with Unavailable', () => {
    expect(filterOf('status lunch')).toEqual({ reasonCode: 'Lunch' });
    expect(filterOf('status unavailable BREAK')).toEqual({ state: 'Unavailable', reasonCode: 'Break' });
    expect(problemOf('status acw lunch')).toBe('Lunch is a reason for Unavailable, not After Call Work.');
    expect(problemOf('status lunch working')).toBe('Lunch is a reason for Unavailable, not Working.');
  });

  it('reads a skill name, and refuses one the SPEC does not allow', () => {
    expect(filterOf('status skill Billing')).toEqual({ skill: 'Billing' });
    expect(filterOf('status skill tier-2:fr acw')).toEqual({ skill: 'tier-2:fr', state: 'ACW' });
    expect(problemOf('status skill')).toMatch(/^Name the skill after "skill"/);
    expect(problemOf('status skill B')).toMatch(/2 to 30 letters/);
    expect(problemOf('status skill Billing skill Sales')).toBe('Name one skill at a time.');
  });

  it('reads a time in state in seconds, minutes or hours, written together or apart', () => {
    expect(filterOf('status over 90s')).toEqual({ overSeconds: 90 });
    expect(filterOf('status over 5m')).toEqual({ overSeconds: 300 });
    expect(filterOf('status over 1h')).toEqual({ overSeconds: 3600 });
    expect(filterOf('status over 5 min')).toEqual({ overSeconds: 300 });
    expect(filterOf('status over 2 hours')).toEqual({ overSeconds: 7200 });
    expect(problemOf('status over')).toBe('Say how long after "over": 90s, 5m or 1h.');
    expect(problemOf('status over 5')).toBe('Say how long after "over": 90s, 5m or 1h.');
    expect(problemOf('status over 0m')).toBe('Say how long after "over": 90s, 5m or 1h.');
    expect(problemOf('status over 5 fortnights')).toBe('Say how long after "over": 90s, 5m or 1h.');
    expect(problemOf('status over 9999h')).toBe('At most a week: over 168h.');
  });

  it('combines them in any order', () => {
    expect(filterOf('status acw over 5m')).toEqual({ state: 'ACW', overSeconds: 300 });
    expect(filterOf('status over 5 m skill Billing working')).toEqual({ overSeconds: 300, skill: 'Billing', state: 'Working' });
    expect(problemOf('status acw available')).toBe('An agent is in one state at a time: choose After Call Work or Available.');
  });

  it('reads "with" and "who is on a call with" as the rest of the message, whatever words it holds', () => {
    expect(filterOf('status with Contoso Pharmaceuticals')).toEqual({ with: 'Contoso Pharmaceuticals' });
    expect(filterOf('status working with Over Skill Ltd')).toEqual({ state: 'Working', with: 'Over Skill Ltd' });
    expect(filterOf('who is on a call with Maria Garcia?')).toEqual({ with: 'Maria Garcia' });
    expect(filterOf('Who\'s on a call with "Contoso"')).toEqual({ with: 'Contoso' });
    expect(problemOf('status with')).toBe('Say whose calls: status with <customer or account>.');
    expect(problemOf('who is on a call with')).toBe('Say whose calls: status with <customer or account>.');
    expect(problemOf(`status with ${'x'.repeat(101)}`)).toBe('The name after "with" is too long (at most 100 characters).');
  });

  it('refuses an unknown word, naming it only when it is short and plain', () => {
    expect(problemOf('status sleeping')).toBe('"sleeping" is not a status filter.');
    expect(problemOf('status <script>alert(1)</script>')).toBe('That is not a status filter.');
    expect(problemOf(`status ${'a'.repeat(40)}`)).toBe('That is not a status filter.');
    expect(problemOf(`status ${'acw '.repeat(100)}`)).toMatch(/too long/);
    expect(parseStatusFilter('available nonsense', CODES)).toEqual({ ok: false, problem: '"nonsense" is not a status filter.' });
  });

  it('says what a filter asks in words', () => {
    expect(describeStatusFilter({})).toBe('');
    expect(describeStatusFilter(filterOf('status acw over 5m'))).toBe('After Call Work, in state over 5 min');
    expect(describeStatusFilter(filterOf('status lunch skill Billing with Contoso'))).toBe('reason Lunch, skill Billing, with "Contoso"');
    expect(describeSeconds(90)).toBe('1 min 30 s');
    expect(describeSeconds(3900)).toBe('1 h 5 min');
    expect(describeSeconds(7200)).toBe('2 h');
  });
});
