import { describe, expect, it } from 'vitest';
import type { AgentStateName } from '../../src/domain/agentState.js';
import type { ScheduledActivity, StateLogEntry } from '../../src/domain/wfm.js';
import { adherencePercent, agentAdherenceOf, currentOutOfAdherence, keepsTo, tallyAdherence } from '../../src/wfm/adherence.js';
import { DEFAULT_ACTIVITY_STATES } from '../../src/wfm/wfmConfig.js';

const activityStates = new Map(Object.entries(DEFAULT_ACTIVITY_STATES));
const day = '2026-12-07';
const at = (time: string, date = day) => `${date}T${time}.000Z`;
const line = (activity: string, start: string, end: string, agentId = 'ann'): ScheduledActivity => ({ agentId, activity, start: at(start), end: at(end) });
const state = (time: string, name: AgentStateName, reasonCode: string | null = null, agentId = 'ann'): StateLogEntry => ({
  agentId,
  state: name,
  reasonCode,
  startedAt: time.includes('T') ? time : at(time),
  interactionId: null,
  source: 'acd',
});
const tally = (schedule: ScheduledActivity[], states: StateLogEntry[], from: string, to: string, now = at('23:59:59')) =>
  tallyAdherence({ schedule, states, from: new Date(from.includes('T') ? from : at(from)), to: new Date(to.includes('T') ? to : at(to)), now: new Date(now), activityStates });
const percents = (intervals: ReturnType<typeof tally>['intervals']) => intervals.map((i) => [i.start.slice(11, 16), adherencePercent(i.inAdherenceSeconds, i.scheduledSeconds)]);

describe('which states keep to an activity', () => {
  it('follows the map, with activity names and reason codes in any case', () => {
    expect(keepsTo('phone', 'Working', null, activityStates)).toBe(true);
    expect(keepsTo('Phone', 'Available', 'anything', activityStates)).toBe(true);
    expect(keepsTo('Phone', 'Unavailable', null, activityStates)).toBe(false);
    expect(keepsTo('LUNCH', 'Unavailable', 'lunch', activityStates)).toBe(true);
    expect(keepsTo('Lunch', 'Unavailable', 'Break', activityStates)).toBe(false);
    expect(keepsTo('Lunch', 'Available', null, activityStates)).toBe(false);
  });

  it('asks for Unavailable with the activity as reason code when the activity is not in the map', () => {
    expect(keepsTo('Training', 'Unavailable', 'TRAINING', activityStates)).toBe(true);
    expect(keepsTo('Training', 'Unavailable', null, activityStates)).toBe(false);
    expect(keepsTo('Training', 'Available', null, activityStates)).toBe(false);
  });
});

describe('adherence arithmetic', () => {
  it('splits a schedule line that starts and ends inside intervals, and counts the state that ends adherence', () => {
    // Phone 09:05–09:20; Available since 09:00, Lunch at 09:10: in 09:05–09:10 (300 s), out 09:10–09:20 (600 s).
    const result = tally([line('Phone', '09:05:00', '09:20:00')], [state('09:00:00', 'Available'), state('09:10:00', 'Unavailable', 'Lunch')], '09:00:00', '09:30:00');
    expect(result.agents).toEqual([{ agentId: 'ann', scheduledSeconds: 900, inAdherenceSeconds: 300 }]);
    expect(percents(result.intervals)).toEqual([
      ['09:00', 50],
      ['09:15', 0],
    ]);
    expect(result.intervals.map((i) => [i.scheduledSeconds, i.inAdherenceSeconds])).toEqual([
      [600, 300],
      [300, 0],
    ]);
    expect(agentAdherenceOf(result.agents[0]!, 'Ann Lee')).toEqual({
      agentId: 'ann',
      agentName: 'Ann Lee',
      scheduledSeconds: 900,
      inAdherenceSeconds: 300,
      outOfAdherenceMinutes: 10,
      adherencePercent: 33.3,
    });
  });

  it('carries a state across midnight, and a day counts only its own side of it', () => {
    const schedule = [line('Phone', '23:50:00', '00:10:00')];
    schedule[0]!.end = at('00:10:00', '2026-12-08');
    const states = [state('23:00:00', 'Available')];
    const across = tally(schedule, states, at('23:30:00'), at('00:30:00', '2026-12-08'), at('12:00:00', '2026-12-08'));
    expect(across.agents[0]).toMatchObject({ scheduledSeconds: 1200, inAdherenceSeconds: 1200 });
    expect(percents(across.intervals)).toEqual([
      ['23:30', null],
      ['23:45', 100],
      ['00:00', 100],
      ['00:15', null],
    ]);
    const nextDay = tally(schedule, states, at('00:00:00', '2026-12-08'), at('00:00:00', '2026-12-09'), at('12:00:00', '2026-12-08'));
    expect(nextDay.agents[0]).toMatchObject({ scheduledSeconds: 600, inAdherenceSeconds: 600 });
    expect(nextDay.intervals).toHaveLength(96);
  });

  it('lets a late state entry change adherence where it belongs, whatever order the entries come in', () => {
    const schedule = [line('Phone', '10:00:00', '11:00:00')];
    const before = tally(schedule, [state('09:00:00', 'Available')], '10:00:00', '11:00:00');
    expect(before.agents[0]!.inAdherenceSeconds).toBe(3600);
    // The ACD's late event: a break 10:20–10:32, recorded after the 10:32 entry.
    const after = tally(schedule, [state('09:00:00', 'Available'), state('10:32:00', 'Available'), state('10:20:00', 'Unavailable', 'Break')], '10:00:00', '11:00:00');
    expect(after.agents[0]).toMatchObject({ scheduledSeconds: 3600, inAdherenceSeconds: 3600 - 720 });
    expect(percents(after.intervals)).toEqual([
      ['10:00', 100],
      ['10:15', 33.3], // out 10:20–10:30
      ['10:30', 86.7], // out 10:30–10:32
      ['10:45', 100],
    ]);
  });

  it('counts time with no state known as out of adherence', () => {
    const none = tally([line('Phone', '09:00:00', '10:00:00')], [], '09:00:00', '10:00:00');
    expect(none.agents[0]).toMatchObject({ scheduledSeconds: 3600, inAdherenceSeconds: 0 });
    const late = tally([line('Phone', '09:00:00', '10:00:00')], [state('09:30:00', 'Available')], '09:00:00', '10:00:00');
    expect(late.agents[0]).toMatchObject({ scheduledSeconds: 3600, inAdherenceSeconds: 1800 });
  });

  it('counts only the past: the latest state lasts until now, later scheduled time is not counted yet', () => {
    const result = tally([line('Phone', '09:00:00', '10:00:00')], [state('08:00:00', 'Available')], '09:00:00', '10:00:00', at('09:40:30'));
    expect(result.agents[0]).toMatchObject({ scheduledSeconds: 2430, inAdherenceSeconds: 2430 });
    expect(percents(result.intervals)).toEqual([
      ['09:00', 100],
      ['09:15', 100],
      ['09:30', 100],
      ['09:45', null],
    ]);
  });

  it('rounds out-of-adherence minutes down, drops milliseconds, and gives null with nothing scheduled', () => {
    const result = tally([line('Phone', '09:00:00', '09:10:00')], [state('08:00:00', 'Available'), state(`${day}T09:08:01.900Z`, 'Unavailable', 'Break')], '09:00:00', '09:15:00');
    // Out 09:08:01–09:10:00 = 119 s: one whole minute.
    expect(agentAdherenceOf(result.agents[0]!, 'Ann')).toMatchObject({ scheduledSeconds: 600, inAdherenceSeconds: 481, outOfAdherenceMinutes: 1, adherencePercent: 80.2 });
    expect(adherencePercent(0, 0)).toBeNull();
    expect(agentAdherenceOf({ agentId: 'x', scheduledSeconds: 0, inAdherenceSeconds: 0 }, 'X').adherencePercent).toBeNull();
  });

  it('keeps agents apart and adds their seconds within an interval', () => {
    const schedule = [line('Phone', '09:00:00', '09:15:00', 'ann'), line('Lunch', '09:00:00', '09:15:00', 'bo')];
    const states = [state('08:00:00', 'Available', null, 'ann'), state('08:00:00', 'Available', null, 'bo')];
    const result = tally(schedule, states, '09:00:00', '09:15:00');
    expect(result.agents).toEqual([
      { agentId: 'ann', scheduledSeconds: 900, inAdherenceSeconds: 900 },
      { agentId: 'bo', scheduledSeconds: 900, inAdherenceSeconds: 0 },
    ]);
    expect(percents(result.intervals)).toEqual([['09:00', 50]]);
  });
});

describe('the current out-of-adherence stretch', () => {
  const schedule = [line('Phone', '09:00:00', '12:00:00'), line('Lunch', '12:00:00', '13:00:00')];
  const current = (states: StateLogEntry[], now: string, lookback = '00:00:00') => currentOutOfAdherence(schedule, states, new Date(at(now)), new Date(at(lookback)), activityStates);

  it('starts where the agent stopped keeping to the schedule, across a change of activity', () => {
    expect(current([state('08:55:00', 'Available')], '12:07:30')).toEqual({ since: at('12:00:00'), activity: 'Lunch', state: 'Available', reasonCode: null });
    expect(current([state('08:55:00', 'Available'), state('11:55:00', 'Unavailable', 'Break')], '12:07:30')).toEqual({
      since: at('11:55:00'),
      activity: 'Lunch',
      state: 'Unavailable',
      reasonCode: 'Break',
    });
  });

  it('is none when the agent keeps to it now, is not scheduled now, or it began before what was read', () => {
    expect(current([state('08:55:00', 'Available'), state('12:01:00', 'Unavailable', 'Lunch')], '12:07:30')).toBeNull();
    expect(current([state('08:55:00', 'Available')], '13:30:00')).toBeNull();
    expect(current([state('08:55:00', 'Unavailable', 'Break')], '10:00:00', '09:30:00')).toBeNull();
  });

  it('counts no state known as out, from the line start', () => {
    expect(current([], '09:10:00')).toEqual({ since: at('09:00:00'), activity: 'Phone', state: null, reasonCode: null });
    expect(current([state('09:05:00', 'Unavailable', 'Break')], '09:10:00')).toMatchObject({ since: at('09:00:00'), state: 'Unavailable', reasonCode: 'Break' });
  });
});
