import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueSnapshot, SupervisedAgentRow } from '../../src/agents/agentStatus.js';
import type { Interval, SkillIntervalRow } from '../../src/domain/wfm.js';
import { intervalOf, wallboardView, type WallboardView } from '../../src/tab/wallboard.js';
import { WallboardStreams, type WallboardStream } from '../../src/tab/wallboardStreams.js';

const logger = pino({ level: 'silent' });
const NOW = new Date('2026-12-06T10:37:12.000Z');
const QUEUES: QueueSnapshot = { digital: [{ kind: 'chat', skill: 'Claims', count: 2, longestWaitSeconds: 40 }], acd: [] };

const row = (name: string, state: 'Available' | 'Working', seconds: number): SupervisedAgentRow => ({
  agent: { id: name.toLowerCase(), name, state, reasonCode: null, stateSince: new Date(NOW.getTime() - seconds * 1000).toISOString(), currentInteractionId: null, teamsUserId: null },
  stateLabel: state,
  secondsInState: seconds,
  interaction: state === 'Working' ? { id: 'i-1', channel: 'voice', ani: '+12065550142', state: 'active' } : null,
  digital: { chat: 1, sms: 1, web: 0 },
  customer: state === 'Working' ? 'Maria Garcia' : null,
  contactSkills: [],
});

const skillRow = (skill: string, offered: number, handled: number, abandoned: number, serviceLevelPercent: number | null): SkillIntervalRow => ({
  skill,
  channel: 'voice',
  offered,
  handled,
  abandoned,
  averageSpeedOfAnswerSeconds: null,
  averageHandleTimeSeconds: null,
  serviceLevelPercent,
});

/** A small stand-in for the workforce interval reports (src/wfm implements the real one). */
function fakeIntervals(rows: SkillIntervalRow[]) {
  const asked: Array<[string, string]> = [];
  return {
    asked,
    async skillIntervals(from: Date, to: Date): Promise<Interval<SkillIntervalRow>[]> {
      asked.push([from.toISOString(), to.toISOString()]);
      return [{ start: from.toISOString(), end: to.toISOString(), localStart: from.toISOString(), rows }];
    },
  };
}

const agents = { status: async () => [row('Ana', 'Working', 95), row('Bo', 'Available', 10)], queues: async () => QUEUES };

describe("the wallboard's view", () => {
  it('reads the current 15-minute interval so far, with all skills together (service level weighted by offers)', async () => {
    const intervals = fakeIntervals([skillRow('Billing', 10, 8, 2, 70), skillRow('Support', 30, 30, 0, 90)]);
    const view = await wallboardView({ agents, intervals, clock: () => NOW, logger }, 'sue');
    expect(intervals.asked).toEqual([['2026-12-06T10:30:00.000Z', '2026-12-06T10:45:00.000Z']]);
    expect(view.interval?.totals).toEqual({ offered: 40, handled: 38, abandoned: 2, serviceLevelPercent: 85 });
    expect(view.interval?.rows.map((r) => r.skill)).toEqual(['Billing', 'Support']);
    expect(view.intervalProblem).toBeNull();
    expect(view.asOf).toBe(NOW.toISOString());
    expect(view.queues).toBe(QUEUES);
    expect(view.agents[0]).toEqual({
      id: 'ana',
      name: 'Ana',
      state: 'Working',
      reasonCode: null,
      stateLabel: 'Working',
      since: '2026-12-06T10:35:37.000Z',
      secondsInState: 95,
      interaction: { channel: 'voice', state: 'active' },
      customer: 'Maria Garcia',
      digital: 2,
    });
  });

  it('shows an interval with no contacts as zeros and no service level, not as a problem', () => {
    expect(intervalOf(new Date('2026-12-06T10:30:00.000Z'), new Date('2026-12-06T10:45:00.000Z'), []).totals).toEqual({ offered: 0, handled: 0, abandoned: 0, serviceLevelPercent: null });
  });

  it('still shows states and queues when the interval reports fail, and says so', async () => {
    const failing = {
      skillIntervals: async () => {
        throw new Error('rollups unavailable');
      },
    };
    const view = await wallboardView({ agents, intervals: failing, clock: () => NOW, logger }, 'sue');
    expect(view.interval).toBeNull();
    expect(view.intervalProblem).toBe('The interval figures could not be read just now.');
    expect(view.agents).toHaveLength(2);
  });
});

describe('the open wallboards', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function streamOf(supervisorId: string) {
    const sent: WallboardView[] = [];
    let closed = false;
    const stream: WallboardStream & { sent: WallboardView[] } = {
      supervisorId,
      sent,
      get closed() {
        return closed;
      },
      send: (view) => sent.push(view),
      close: () => {
        closed = true;
        remove();
      },
    };
    let remove = () => {};
    return { stream, attach: (r: () => void) => (remove = r) };
  }

  it('sends the board on connect, draws it once for many changes and every open board, and again every tick for the clocks', async () => {
    vi.useFakeTimers();
    let draws = 0;
    const streams = new WallboardStreams({ view: async () => ({ asOf: String(++draws) }) as unknown as WallboardView, logger, tickMs: 15_000, settleMs: 250 });
    const a = streamOf('sue');
    const b = streamOf('max');
    a.attach(streams.add(a.stream));
    b.attach(streams.add(b.stream));
    await vi.advanceTimersByTimeAsync(0);
    expect([a.stream.sent.length, b.stream.sent.length]).toEqual([1, 1]);

    for (let i = 0; i < 20; i++) streams.changed();
    await vi.advanceTimersByTimeAsync(300);
    expect(draws).toBe(3); // one per connection, then one for the twenty changes
    expect(a.stream.sent.at(-1)).toEqual(b.stream.sent.at(-1));

    await vi.advanceTimersByTimeAsync(15_000);
    expect(a.stream.sent.map((v) => v.asOf)).toEqual(['1', '3', '4']);

    a.stream.close();
    b.stream.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(draws).toBe(4); // nobody watching: no more drawing
    expect(streams.connections).toBe(0);
  });

  it('closes the oldest board of a supervisor beyond the bound, leaving other supervisors alone', async () => {
    const streams = new WallboardStreams({ view: async () => ({}) as WallboardView, logger, maxPerSupervisor: 2 });
    const sue = [streamOf('sue'), streamOf('sue'), streamOf('sue')];
    const max = streamOf('max');
    max.attach(streams.add(max.stream));
    for (const s of sue) s.attach(streams.add(s.stream));
    expect(sue.map((s) => s.stream.closed)).toEqual([true, false, false]);
    expect(max.stream.closed).toBe(false);
    expect(streams.connections).toBe(3);
    streams.closeAll();
  });
});
