import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/domain/interaction.js';
import type { ContactLogEntry, ContactStep, StateLogEntry, StateSource } from '../../src/domain/wfm.js';
import type { AgentStateName } from '../../src/domain/agentState.js';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { catchUpRollups } from '../../src/store/wfmRollupCatchUp.js';
import { agentActivityOfLog } from '../../src/wfm/agentActivity.js';
import { IntervalReportsService } from '../../src/wfm/intervalReports.js';
import { skillIntervalsOfLog } from '../../src/wfm/skillIntervals.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { logSizes } from './logRows.js';

/**
 * The rollups (deltas, applied by the catch-up from the logs) equal the reference computed from the raw log:
 * random streams of states and contact steps, shuffled (late entries), partly duplicated (the same event key,
 * or the same step again), appended through repos.wfmLog, sometimes several at once, caught up at any point.
 */

const DAY = Date.parse('2026-03-29T00:00:00Z');
const FROM = new Date(DAY - 60 * 60_000);
const TO = new Date(DAY + 6 * 60 * 60_000);
const NOW = new Date(DAY + 4 * 60 * 60_000 + 7 * 60_000 + 30_500);
const ZONE = 'Europe/Paris';
const SERVICE_LEVEL = 20;
const RECORDED = '2026-03-29T12:00:00.000Z';
const STATES: Array<[AgentStateName, string | null]> = [
  ['Available', null],
  ['Working', null],
  ['ACW', null],
  ['Unavailable', 'Lunch'],
  ['Unavailable', 'Break'],
];
const STEPS: ContactStep[] = ['offered', 'answered', 'ended', 'acwCompleted', 'abandoned', 'transferred'];
const CHANNELS: Channel[] = ['voice', 'chat'];

/** A small seeded generator (mulberry32): a failing stream can be replayed from its seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

type Append = { kind: 'state'; entry: StateLogEntry } | { kind: 'contact'; entry: ContactLogEntry };

/** A shuffled, partly duplicated stream; `distinctTimes` keeps every agent's entries at distinct instants (for appends made at once). */
function stream(seed: number, distinctTimes: boolean): Append[] {
  const r = random(seed);
  const appends: Append[] = [];
  const usedTimes = new Set<string>();
  const at = (ms: number) => {
    // Whole seconds mostly, milliseconds sometimes, and exactly on boundaries often.
    const choice = r.int(4);
    const time = choice === 0 ? Math.floor(ms / 900_000) * 900_000 : choice === 1 ? ms : Math.floor(ms / 1000) * 1000;
    return new Date(time).toISOString();
  };
  for (const agentId of ['ann', 'bob', 'cy']) {
    for (let i = 0; i < 40; i++) {
      const [state, reasonCode] = r.pick(STATES);
      let startedAt = at(FROM.getTime() - 30 * 60_000 + r.int(8 * 60 * 60_000));
      if (distinctTimes) {
        while (usedTimes.has(`${agentId}${startedAt}`)) startedAt = new Date(Date.parse(startedAt) + 1).toISOString();
        usedTimes.add(`${agentId}${startedAt}`);
      }
      const source: StateSource = r.pick(['acd', 'teams', 'app']);
      const entry: StateLogEntry = { agentId, state, reasonCode, startedAt, interactionId: null, source, eventKey: source === 'acd' ? `acd:s-${seed}-${agentId}-${i}` : null };
      appends.push({ kind: 'state', entry });
      if (entry.eventKey && r.int(5) === 0) appends.push({ kind: 'state', entry: { ...entry, state: 'ACW' } });
    }
  }
  for (let c = 0; c < 60; c++) {
    const contactKey = `acd:sim:${seed}-${c}`;
    const skill = r.pick(['Billing', 'Sales', '']);
    const channel = r.pick(CHANNELS);
    const offered = FROM.getTime() - 10 * 60_000 + r.int(7 * 60 * 60_000);
    const agentId = r.pick(['ann', 'bob', 'cy', 'dee']);
    let t = offered;
    for (const step of STEPS) {
      if (step !== 'offered' && r.int(4) === 0) continue;
      const entry: ContactLogEntry = {
        contactKey,
        step,
        at: at(t),
        agentId: step === 'offered' ? null : agentId,
        skill,
        channel,
        source: 'acd',
        eventKey: r.int(2) ? `acd:c-${contactKey}-${step}` : null,
      };
      appends.push({ kind: 'contact', entry });
      if (r.int(4) === 0) appends.push({ kind: 'contact', entry: entry.eventKey && r.int(2) ? { ...entry, at: at(t - 5000) } : { ...entry, eventKey: null } });
      if (!distinctTimes && r.int(6) === 0) appends.push({ kind: 'contact', entry: { ...entry, at: at(t - r.int(60_000)), eventKey: null } });
      t += r.int(400_000);
    }
  }
  for (let i = appends.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [appends[i], appends[j]] = [appends[j]!, appends[i]!];
  }
  return appends;
}

describe.each(STORE_BACKENDS)('workforce rollups = the raw log ($name)', (backend) => {
  let store: TestStore;
  let unit: UnitOfWork;
  let reports: IntervalReportsService;
  beforeEach(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
    reports = new IntervalReportsService(unit, { siteTimeZone: ZONE, serviceLevelSeconds: SERVICE_LEVEL }, () => NOW);
    for (const [id, name] of [
      ['ann', 'Ann Lee'],
      ['bob', 'Bob Day'],
      ['cy', 'Cy Young'],
    ]) {
      await unit.repos.agents.upsert(id!, name!, RECORDED);
    }
  });
  afterEach(async () => {
    await store.dispose();
  });

  const append = (a: Append, inTransaction: boolean) => {
    const run = (repos: typeof unit.repos) => (a.kind === 'state' ? repos.wfmLog.appendState(a.entry, RECORDED) : repos.wfmLog.appendContact(a.entry, RECORDED));
    return inTransaction ? unit.run(run) : run(unit.repos);
  };

  /** The reference, from the raw log as it was recorded (by id: the order of the appends that were kept). */
  async function expectRollupsEqualTheLog(): Promise<void> {
    const states = await store.db.selectFrom('agent_state_log').selectAll().orderBy('id').execute();
    const steps = await store.db.selectFrom('contact_log').selectAll().orderBy('id').execute();
    const stateEntries = states.map((s) => ({
      agentId: s.agent_id,
      state: s.state as AgentStateName,
      reasonCode: s.reason_code,
      startedAt: s.started_at,
      interactionId: null,
      source: s.source as StateSource,
    }));
    const contactEntries = steps.map((s) => ({
      contactKey: s.contact_key,
      step: s.kind as ContactStep,
      at: s.at,
      agentId: s.agent_id,
      skill: s.skill,
      channel: s.channel as Channel,
      source: s.source as StateSource,
    }));
    const range = { from: FROM.getTime(), to: TO.getTime(), zone: ZONE };
    expect(await reports.skillIntervals(FROM, TO)).toEqual(skillIntervalsOfLog(contactEntries, { ...range, serviceLevelSeconds: SERVICE_LEVEL }));
    expect(await reports.skillIntervals(FROM, TO, 'Sales')).toEqual(skillIntervalsOfLog(contactEntries, { ...range, serviceLevelSeconds: SERVICE_LEVEL, skill: 'Sales' }));
    const names = new Map([
      ['ann', 'Ann Lee'],
      ['bob', 'Bob Day'],
      ['cy', 'Cy Young'],
    ]);
    expect(await reports.agentActivity(FROM, TO)).toEqual(agentActivityOfLog(stateEntries, contactEntries, { ...range, now: NOW.getTime(), names }));
  }

  it.each([1, 2, 3])('appended one by one, shuffled and duplicated (seed %i)', async (seed) => {
    const appends = stream(seed, false);
    for (const [i, a] of appends.entries()) await append(a, i % 3 === 0);
    const intervals = await reports.skillIntervals(FROM, TO);
    expect(intervals).toHaveLength(28);
    expect(intervals.some((i) => i.rows.length > 0)).toBe(true);
    await expectRollupsEqualTheLog();
  });

  it.each([4, 5])('appended several at once, as instances sharing the database would (seed %i)', async (seed) => {
    const appends = stream(seed, true);
    let next = 0;
    const lane = async () => {
      while (next < appends.length) await append(appends[next++]!, true);
    };
    await Promise.all(Array.from({ length: 6 }, lane));
    await expectRollupsEqualTheLog();
  });

  it('changes nothing for an event sent again, nor for a step already known at an earlier time', async () => {
    const offered: ContactLogEntry = { contactKey: 'acd:x:1', step: 'offered', at: '2026-03-29T01:00:00.000Z', agentId: null, skill: 'Billing', channel: 'voice', source: 'acd', eventKey: 'acd:e1' };
    const answered: ContactLogEntry = { ...offered, step: 'answered', at: '2026-03-29T01:00:10.000Z', agentId: 'ann', eventKey: 'acd:e2' };
    await append({ kind: 'contact', entry: offered }, false);
    await append({ kind: 'contact', entry: answered }, false);
    await unit.repos.wfmRollups.catchUp();
    const before = await store.db.selectFrom('wfm_skill_interval_totals').selectAll().execute();
    await append({ kind: 'contact', entry: { ...answered, at: '2026-03-29T01:00:05.000Z' } }, false);
    await append({ kind: 'contact', entry: { ...answered, eventKey: null, at: '2026-03-29T01:00:30.000Z' } }, false);
    await append({ kind: 'contact', entry: { ...offered, eventKey: 'acd:e3', at: '2026-03-29T01:00:01.000Z' } }, false);
    await unit.repos.wfmRollups.catchUp();
    expect(await store.db.selectFrom('wfm_skill_interval_totals').selectAll().execute()).toEqual(before);
    expect((await reports.skillIntervals(new Date('2026-03-29T01:00:00Z'), new Date('2026-03-29T01:15:00Z')))[0]!.rows[0]).toMatchObject({ offered: 1, handled: 1, averageSpeedOfAnswerSeconds: 10 });
  });
  it.each([6, 7])('caught up at random points, in small batches (seed %i)', async (seed) => {
    const appends = stream(seed, false);
    const r = random(seed * 31);
    for (const [i, a] of appends.entries()) {
      await append(a, i % 3 === 0);
      if (r.int(20) === 0) await catchUpRollups(store.db, { batch: 1 + r.int(6) });
    }
    await catchUpRollups(store.db, { batch: 4 });
    await expectRollupsEqualTheLog();
  });

  /** Every rollup row and the cursors, in one order. */
  const rollupSnapshot = async () => {
    const tables = [
      'wfm_rollup_cursor',
      'wfm_agent_latest',
      'wfm_agent_interval_states',
      'wfm_contact_facts',
      'wfm_skill_interval_totals',
      'wfm_skill_interval_waits',
      'wfm_agent_interval_contacts',
    ] as const;
    const rows = await Promise.all(tables.map(async (table) => (await store.db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort()));
    return Object.fromEntries(tables.map((table, i) => [table, rows[i]]));
  };

  it('a catch-up whose transaction fails leaves nothing half-applied, and the next one finishes', async () => {
    const appends = stream(8, false);
    for (const a of appends.slice(0, 150)) await append(a, false);
    await unit.repos.wfmRollups.catchUp();
    const before = await rollupSnapshot();
    // The states of the batch are rolled up before its contacts: a contact whose skill row cannot be written fails the batch after them.
    for (const a of appends.slice(150)) await append(a, false);
    await append({ kind: 'contact', entry: { contactKey: 'acd:x:boom', step: 'offered', at: '2026-03-29T02:00:00.000Z', agentId: null, skill: 'Boom', channel: 'voice', source: 'acd' } }, false);
    if (backend.name === 'postgres') {
      await sql`create function refuse_boom() returns trigger language plpgsql as $$ begin if new.skill = 'Boom' then raise exception 'boom'; end if; return new; end $$`.execute(store.db);
      await sql`create trigger refuse_boom before insert on wfm_skill_interval_totals for each row execute function refuse_boom()`.execute(store.db);
    } else {
      await sql`create trigger refuse_boom before insert on wfm_skill_interval_totals when new.skill = 'Boom' begin select raise(abort, 'boom'); end`.execute(store.db);
    }
    await expect(unit.repos.wfmRollups.catchUp()).rejects.toThrow(/boom/);
    expect(await rollupSnapshot()).toEqual(before);
    await sql.raw(backend.name === 'postgres' ? 'drop trigger refuse_boom on wfm_skill_interval_totals' : 'drop trigger refuse_boom').execute(store.db);
    await expectRollupsEqualTheLog();
    const boom = (await reports.skillIntervals(new Date('2026-03-29T02:00:00Z'), new Date('2026-03-29T02:15:00Z'), 'Boom'))[0]!.rows;
    expect(boom).toMatchObject([{ skill: 'Boom', offered: 1 }]);
  });

  it.runIf(backend.name === 'postgres')('catch-ups run at once while appends go on, as instances would, and apply each entry once', async () => {
    const appends = stream(9, true);
    let next = 0;
    let appending = true;
    const lane = async () => {
      while (next < appends.length) await append(appends[next++]!, true);
    };
    let applied = 0;
    const catcher = async () => {
      while (appending) {
        // Not `applied += await …`: that reads `applied` before the wait, and the catch-ups run at once.
        const n = await catchUpRollups(store.db, { batch: 5 });
        applied += n;
      }
    };
    const lanes = Promise.all(Array.from({ length: 4 }, lane)).finally(() => (appending = false));
    await Promise.all([lanes, catcher(), catcher(), catcher()]);
    const last = await Promise.all([catchUpRollups(store.db, { batch: 7 }), catchUpRollups(store.db, { batch: 7 })]);
    applied += last[0] + last[1];
    const sizes = await logSizes(store.db);
    expect(applied).toBe(sizes.states + sizes.steps);
    await expectRollupsEqualTheLog();
  });

  describe.runIf(backend.name === 'postgres')('an append committed after a larger id (PostgreSQL)', () => {
    const state = (startedAt: string, state: AgentStateName, reasonCode: string | null = null): Append => ({
      kind: 'state',
      entry: { agentId: 'ann', state, reasonCode, startedAt, interactionId: null, source: 'teams' },
    });

    /** Appends 01:10 in a transaction held open while 01:20 (a larger id) commits; returns the held append's end. */
    async function heldAppend(end: 'commit' | 'rollback') {
      await append(state('2026-03-29T01:00:00.000Z', 'Available'), false);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedInside = new Promise<void>((resolve) => (inserted = resolve));
      const held = unit.run(async (repos) => {
        await repos.wfmLog.appendState(state('2026-03-29T01:10:00.000Z', 'Unavailable', 'Lunch').entry as StateLogEntry, RECORDED);
        inserted();
        await released;
        if (end === 'rollback') throw new Error('rolled back');
      });
      await insertedInside;
      await append(state('2026-03-29T01:20:00.000Z', 'Working'), false);
      const ids = (await store.db.selectFrom('agent_state_log').select('id').orderBy('id').execute()).map((row) => row.id);
      // The later append's id is past the held one's, which is not visible yet.
      expect(ids).toHaveLength(2);
      expect(ids[1]! - ids[0]!).toBe(2);
      return { release, held: held.catch((error: Error) => error.message) };
    }

    it('waits for it, then rolls up both', async () => {
      const { release, held } = await heldAppend('commit');
      let finished = false;
      const catchingUp = catchUpRollups(store.db).then((n) => ((finished = true), n));
      try {
        await sleep(300);
        expect(finished).toBe(false);
        expect((await store.db.selectFrom('wfm_agent_interval_states').selectAll().execute()).length).toBe(0);
      } finally {
        release();
        await held;
      }
      expect(await catchingUp).toBe(3);
      await expectRollupsEqualTheLog();
      const lunch = (await reports.agentActivity(new Date('2026-03-29T01:00:00Z'), new Date('2026-03-29T01:15:00Z')))[0]!.rows[0]!.states;
      expect(lunch).toEqual([
        { state: 'Available', reasonCode: null, seconds: 600 },
        { state: 'Unavailable', reasonCode: 'Lunch', seconds: 300 },
      ]);
    });

    it('passes its id once it is rolled back', async () => {
      const { release, held } = await heldAppend('rollback');
      const catchingUp = catchUpRollups(store.db);
      release();
      expect(await held).toBe('rolled back');
      expect(await catchingUp).toBe(2);
      await expectRollupsEqualTheLog();
    });
  });
});
