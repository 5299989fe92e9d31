import { describe, expect, it } from 'vitest';
import type { ContactLogEntry, StateLogEntry } from '../../src/domain/wfm.js';
import { AgentActivityTally, agentActivityOfLog } from '../../src/wfm/agentActivity.js';

const state = (agentId: string, s: StateLogEntry['state'], startedAt: string, reasonCode: string | null = null): StateLogEntry => ({
  agentId,
  state: s,
  reasonCode,
  startedAt,
  interactionId: null,
  source: 'acd',
});
const contact = (contactKey: string, step: ContactLogEntry['step'], at: string, agentId: string | null): ContactLogEntry => ({
  contactKey,
  step,
  at,
  agentId,
  skill: '',
  channel: 'voice',
  source: 'acd',
});
const names = new Map([
  ['ann', 'Ann Lee'],
  ['bob', 'Bob Day'],
]);
const t = (text: string) => Date.parse(text);

describe('agent activity from the state log', () => {
  it('splits a state spanning several intervals and midnight, in the site zone too', () => {
    const intervals = agentActivityOfLog([state('ann', 'Unavailable', '2026-12-07T22:50:00Z', 'Break'), state('ann', 'Available', '2026-12-07T23:20:30Z')], [], {
      from: t('2026-12-07T22:45:00Z'),
      to: t('2026-12-07T23:30:00Z'),
      zone: 'Europe/Paris',
      now: t('2026-12-07T23:25:00Z'),
      names,
    });
    expect(intervals.map((i) => [i.localStart, i.rows.map((r) => r.states)])).toEqual([
      ['2026-12-07T23:45:00+01:00', [[{ state: 'Unavailable', reasonCode: 'Break', seconds: 600 }]]],
      ['2026-12-08T00:00:00+01:00', [[{ state: 'Unavailable', reasonCode: 'Break', seconds: 900 }]]],
      [
        '2026-12-08T00:15:00+01:00',
        [
          [
            // The latest entry lasts until now (23:25), not to the interval's end.
            { state: 'Available', reasonCode: null, seconds: 270 },
            { state: 'Unavailable', reasonCode: 'Break', seconds: 330 },
          ],
        ],
      ],
    ]);
  });

  it('never counts past now, leaves out agents with nothing in an interval, and an interval with nobody has no rows', () => {
    const intervals = agentActivityOfLog([state('bob', 'Available', '2026-12-07T10:05:00Z')], [], {
      from: t('2026-12-07T10:00:00Z'),
      to: t('2026-12-07T11:00:00Z'),
      zone: 'UTC',
      now: t('2026-12-07T10:20:00Z'),
      names,
    });
    expect(intervals.map((i) => i.rows.map((r) => [r.agentName, r.states.map((s) => s.seconds)]))).toEqual([[['Bob Day', [600]]], [['Bob Day', [300]]], [], []]);
  });

  it('slots a late entry in by time, and gives 0 s to an entry followed by another at the same instant', () => {
    const options = { from: t('2026-12-07T10:00:00Z'), to: t('2026-12-07T10:15:00Z'), zone: 'UTC', now: t('2026-12-07T10:15:00Z'), names };
    const late = agentActivityOfLog(
      [
        state('ann', 'Available', '2026-12-07T10:00:00Z'),
        state('ann', 'ACW', '2026-12-07T10:10:00Z'),
        state('ann', 'Working', '2026-12-07T10:04:00Z'),
        state('ann', 'Unavailable', '2026-12-07T10:10:00Z', 'Lunch'),
      ],
      [],
      options,
    );
    expect(late[0]!.rows[0]!.states).toEqual([
      { state: 'Available', reasonCode: null, seconds: 240 },
      { state: 'Unavailable', reasonCode: 'Lunch', seconds: 300 },
      { state: 'Working', reasonCode: null, seconds: 360 },
    ]);
  });

  it('gives each agent the contacts they answered in the interval of the answer, with their whole talk and ACW', () => {
    const intervals = agentActivityOfLog(
      [state('ann', 'Available', '2026-12-07T09:00:00Z'), state('bob', 'Available', '2026-12-07T09:00:00Z')],
      [
        contact('x', 'offered', '2026-12-07T10:13:00Z', null),
        contact('x', 'answered', '2026-12-07T10:14:00Z', 'ann'),
        contact('x', 'ended', '2026-12-07T10:24:00Z', 'ann'),
        contact('x', 'acwCompleted', '2026-12-07T10:25:30Z', 'ann'),
        contact('y', 'answered', '2026-12-07T10:16:00Z', 'bob'),
        contact('z', 'offered', '2026-12-07T10:16:00Z', null),
        contact('z', 'abandoned', '2026-12-07T10:17:00Z', null),
      ],
      { from: t('2026-12-07T10:00:00Z'), to: t('2026-12-07T10:30:00Z'), zone: 'UTC', now: t('2026-12-07T10:30:00Z'), names },
    );
    expect(intervals.map((i) => i.rows.map((r) => [r.agentName, r.contactsHandled, r.handleTimeSeconds]))).toEqual([
      [
        ['Ann Lee', 1, 690],
        ['Bob Day', 0, 0],
      ],
      [
        ['Ann Lee', 0, 0],
        ['Bob Day', 1, 0],
      ],
    ]);
  });
});

describe('the agent activity tally (what the rollup reads add to)', () => {
  const from = t('2026-12-07T10:00:00Z');
  const second = from + 900_000;

  it('orders states by state, then reason code; keeps a null and an empty reason code apart, as they came; sums the same state', () => {
    const tally = new AgentActivityTally({ from, to: from + 1_800_000 });
    tally.addStateMs(from, 'ann', 'Working', null, 1_000);
    tally.addStateMs(from, 'ann', 'Unavailable', 'Lunch', 2_000);
    tally.addStateMs(from, 'ann', 'Unavailable', '', 3_000);
    tally.addStateMs(from, 'ann', 'Available', null, 4_000);
    tally.addStateMs(from, 'ann', 'Unavailable', 'Break', 5_000);
    tally.addStateMs(from, 'ann', 'Unavailable', null, 6_000);
    tally.addStateMs(from, 'ann', 'Working', null, 500);
    // In the next interval, the null reason code comes before the empty one.
    tally.addStateMs(second, 'ann', 'Unavailable', null, 7_000);
    tally.addStateMs(second, 'ann', 'Unavailable', '', 8_000);
    const [first, next] = tally.intervals(names, 'UTC');
    expect(first!.rows.map((r) => r.states)).toEqual([
      [
        { state: 'Available', reasonCode: null, seconds: 4 },
        { state: 'Unavailable', reasonCode: '', seconds: 3 },
        { state: 'Unavailable', reasonCode: null, seconds: 6 },
        { state: 'Unavailable', reasonCode: 'Break', seconds: 5 },
        { state: 'Unavailable', reasonCode: 'Lunch', seconds: 2 },
        { state: 'Working', reasonCode: null, seconds: 1.5 },
      ],
    ]);
    expect(next!.rows.map((r) => r.states)).toEqual([
      [
        { state: 'Unavailable', reasonCode: null, seconds: 7 },
        { state: 'Unavailable', reasonCode: '', seconds: 8 },
      ],
    ]);
  });

  it('keeps what an agent had when a state first seen later comes (earlier intervals, and the other agents)', () => {
    const tally = new AgentActivityTally({ from, to: second + 1_800_000 });
    tally.addStateMs(from, 'ann', 'Working', null, 1_000);
    tally.addStateMs(second, 'bob', 'Working', null, 2_000);
    tally.addStateMs(second + 900_000, 'ann', 'ACW', null, 3_000);
    tally.addStateMs(from, 'ann', 'Unavailable', 'Lunch', 4_000);
    tally.addStateMs(second, 'bob', 'Available', null, 5_000);
    tally.addStateMs(from, 'ann', 'Working', null, 6_000);
    expect(tally.intervals(names, 'UTC').map((i) => i.rows.map((r) => [r.agentId, r.states.map((x) => `${x.state}${x.reasonCode ? `:${x.reasonCode}` : ''} ${x.seconds}`)]))).toEqual([
      [['ann', ['Unavailable:Lunch 4', 'Working 7']]],
      [['bob', ['Available 5', 'Working 2']]],
      [['ann', ['ACW 3']]],
    ]);
  });

  it('sums milliseconds and makes them seconds once (100 ms + 200 ms is 0.3 s, not 0.30000000000000004)', () => {
    const tally = new AgentActivityTally({ from, to: second });
    tally.addStateMs(from, 'bob', 'ACW', null, 100);
    tally.addStateMs(from, 'bob', 'ACW', null, 200);
    tally.addContacts(from, 'bob', 1, 100);
    tally.addContacts(from, 'bob', 2, 200);
    expect(tally.intervals(names, 'UTC')[0]!.rows).toEqual([
      { agentId: 'bob', agentName: 'Bob Day', states: [{ state: 'ACW', reasonCode: null, seconds: 0.3 }], contactsHandled: 3, handleTimeSeconds: 0.3 },
    ]);
  });

  it('makes no row of nothing (out of the range, off a boundary, 0 ms or no contact), a row of contacts alone, and sorts agents by name then id', () => {
    const tally = new AgentActivityTally({ from, to: second });
    tally.addStateMs(from - 900_000, 'ann', 'Available', null, 1_000);
    tally.addStateMs(second, 'ann', 'Available', null, 1_000);
    tally.addStateMs(from + 1, 'ann', 'Available', null, 1_000);
    tally.addStateMs(from, 'ann', 'Available', null, 0);
    tally.addStateMs(from, 'ann', 'Available', null, -5);
    tally.addContacts(from, 'ann', 0, 9_000);
    expect(tally.intervals(names, 'UTC')[0]!.rows).toEqual([]);
    const other = new AgentActivityTally({ from, to: second });
    other.addStateMs(from, 'zed', 'Available', null, 1_000);
    other.addContacts(from, 'bob', 1, 9_000);
    other.addStateMs(from, 'ann', 'Available', null, 1_000);
    other.addStateMs(from, 'ann-2', 'Available', null, 1_000);
    const rows = other.intervals(new Map([...names, ['ann-2', 'Ann Lee']]), 'UTC')[0]!.rows;
    expect(rows.map((r) => [r.agentId, r.agentName, r.states.length, r.contactsHandled])).toEqual([
      ['ann', 'Ann Lee', 1, 0],
      ['ann-2', 'Ann Lee', 1, 0],
      ['bob', 'Bob Day', 0, 1],
      ['zed', 'zed', 1, 0],
    ]);
    expect(other.agentIds().sort()).toEqual(['ann', 'ann-2', 'bob', 'zed']);
  });
});
