import { describe, expect, it } from 'vitest';
import type { ContactLogEntry, ContactStep } from '../../src/domain/wfm.js';
import { skillIntervalsOfLog } from '../../src/wfm/skillIntervals.js';

const step = (contactKey: string, kind: ContactStep, at: string, extra: Partial<ContactLogEntry> = {}): ContactLogEntry => ({
  contactKey,
  step: kind,
  at: `2026-12-07T${at}Z`,
  agentId: kind === 'offered' ? null : 'ann',
  skill: 'Billing',
  channel: 'voice',
  source: 'acd',
  ...extra,
});
const range = { from: Date.parse('2026-12-07T10:00:00Z'), to: Date.parse('2026-12-07T11:00:00Z'), zone: 'UTC', serviceLevelSeconds: 20 };

describe('skill intervals from the contact log', () => {
  it('counts a contact in the interval of its offer, an offer exactly on a boundary in the interval it starts', () => {
    const intervals = skillIntervalsOfLog(
      [
        step('a', 'offered', '10:14:59.999'),
        step('b', 'offered', '10:15:00.000'),
        step('b', 'answered', '10:15:10.000'),
        step('b', 'ended', '10:20:10.000'),
        step('b', 'acwCompleted', '10:21:10.000'),
      ],
      range,
    );
    expect(intervals.map((i) => i.rows.map((r) => r.offered))).toEqual([[1], [1], [], []]);
    expect(intervals[1]!.rows[0]).toEqual({
      skill: 'Billing',
      channel: 'voice',
      offered: 1,
      handled: 1,
      abandoned: 0,
      averageSpeedOfAnswerSeconds: 10,
      averageHandleTimeSeconds: 360,
      serviceLevelPercent: 100,
    });
    expect(intervals[0]!.rows[0]).toMatchObject({ handled: 0, abandoned: 0, averageSpeedOfAnswerSeconds: null, averageHandleTimeSeconds: null, serviceLevelPercent: 0 });
  });

  it('gives every interval of an empty range, with no rows', () => {
    const intervals = skillIntervalsOfLog([], range);
    expect(intervals.map((i) => [i.start, i.end, i.localStart, i.rows])).toEqual([
      ['2026-12-07T10:00:00.000Z', '2026-12-07T10:15:00.000Z', '2026-12-07T10:00:00+00:00', []],
      ['2026-12-07T10:15:00.000Z', '2026-12-07T10:30:00.000Z', '2026-12-07T10:15:00+00:00', []],
      ['2026-12-07T10:30:00.000Z', '2026-12-07T10:45:00.000Z', '2026-12-07T10:30:00+00:00', []],
      ['2026-12-07T10:45:00.000Z', '2026-12-07T11:00:00.000Z', '2026-12-07T10:45:00+00:00', []],
    ]);
  });

  it('counts duplicated steps once (the first time wins) and takes steps in any order', () => {
    const inOrder = [step('c', 'offered', '10:01:00'), step('c', 'answered', '10:01:30'), step('c', 'ended', '10:05:30'), step('c', 'acwCompleted', '10:06:30')];
    const shuffled = [inOrder[3]!, inOrder[1]!, step('c', 'answered', '10:02:00'), inOrder[0]!, inOrder[1]!, inOrder[2]!, step('c', 'offered', '10:20:00')];
    expect(skillIntervalsOfLog(shuffled, range)).toEqual(skillIntervalsOfLog(inOrder, range));
    expect(skillIntervalsOfLog(shuffled, range)[0]!.rows[0]).toMatchObject({ offered: 1, handled: 1, averageSpeedOfAnswerSeconds: 30, averageHandleTimeSeconds: 300, serviceLevelPercent: 0 });
  });

  it('moves a contact to the interval of a late, earlier offer, and takes its skill and channel from that offer', () => {
    const intervals = skillIntervalsOfLog([step('d', 'offered', '10:31:00', { skill: 'Sales' }), step('d', 'offered', '10:29:00', { skill: 'Billing', channel: 'chat' })], range);
    expect(intervals.map((i) => i.rows.map((r) => `${r.skill}/${r.channel}`))).toEqual([[], ['Billing/chat'], [], []]);
  });

  it('counts a contact abandoned before any answer as abandoned, not handled; a contact not offered nowhere', () => {
    const intervals = skillIntervalsOfLog(
      [
        step('e', 'offered', '10:00:00'),
        step('e', 'abandoned', '10:00:40'),
        step('f', 'offered', '10:00:00'),
        step('f', 'answered', '10:00:20'),
        step('f', 'abandoned', '10:00:40'),
        step('g', 'answered', '10:00:20'),
      ],
      range,
    );
    expect(intervals[0]!.rows).toEqual([
      { skill: 'Billing', channel: 'voice', offered: 2, handled: 1, abandoned: 1, averageSpeedOfAnswerSeconds: 20, averageHandleTimeSeconds: null, serviceLevelPercent: 50 },
    ]);
  });

  it('ends handle time at the ACW completion, else at the end; an answer within the threshold, to the millisecond, meets the service level', () => {
    const intervals = skillIntervalsOfLog(
      [
        step('h', 'offered', '10:00:00.000', { channel: 'chat' }),
        step('h', 'answered', '10:00:20.000', { channel: 'chat' }),
        step('h', 'ended', '10:10:20.000', { channel: 'chat' }),
        step('i', 'offered', '10:00:00.000', { channel: 'chat' }),
        step('i', 'answered', '10:00:20.001', { channel: 'chat' }),
        step('i', 'ended', '10:01:20.001', { channel: 'chat' }),
        step('i', 'acwCompleted', '10:02:20.001', { channel: 'chat' }),
        step('j', 'offered', '10:00:00.000', { channel: 'chat' }),
        step('j', 'answered', '10:00:05.000', { channel: 'chat' }),
      ],
      range,
    );
    // AHT over the two finished (600 s and 120 s); ASA over the three answered ((20 + 20.001 + 5) / 3); SL 2 of 3.
    expect(intervals[0]!.rows).toEqual([
      { skill: 'Billing', channel: 'chat', offered: 3, handled: 3, abandoned: 0, averageSpeedOfAnswerSeconds: 15, averageHandleTimeSeconds: 360, serviceLevelPercent: 66.7 },
    ]);
  });

  it('sorts rows by skill, then channel, and keeps only the skill asked for', () => {
    const entries = [step('k', 'offered', '10:00:00', { skill: 'Sales' }), step('l', 'offered', '10:00:00', { channel: 'web' }), step('m', 'offered', '10:00:00', { channel: 'chat' })];
    expect(skillIntervalsOfLog(entries, range)[0]!.rows.map((r) => `${r.skill}/${r.channel}`)).toEqual(['Billing/chat', 'Billing/web', 'Sales/voice']);
    expect(skillIntervalsOfLog(entries, { ...range, skill: 'Sales' })[0]!.rows.map((r) => r.skill)).toEqual(['Sales']);
  });
});
