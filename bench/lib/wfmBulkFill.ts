import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { agentContactContribution, factsWith, skillContribution, type ContactFacts } from '../../src/wfm/contactFacts.js';
import { clipToIntervals } from '../../src/wfm/intervalMath.js';
import { agentId, contactsAt, drawStates, factsBefore, SKILLS, STATES, stepsOf, type WfmDay } from './wfmDay.js';

/*
 * The wfm scenario's bulk fill (bench/scenarios/wfm.ts): the rest of a simulated day's rollups, written by the
 * same contribution code the log appends use, in multi-row upserts instead of one append at a time.
 */

/** A contact's steps span at most ~8.5 minutes (45 s wait, 6 min talk, 100 s ACW): contacts offered this long before the cut may straddle it. */
const STRADDLE_SECONDS = 600;

/** factsBefore (the bulk fill's shortcut) gives what folding the steps through factsWith gives: checked on a sample, or the figures would be wrong. */
export function checkFactsBefore(day: WfmDay): void {
  for (const contact of contactsAt(day, 0)) {
    for (const before of [Infinity, contact.offered + 30_000, contact.offered]) {
      const folded = stepsOf(contact)
        .filter((step) => Date.parse(step.at) < before)
        .reduce<ContactFacts | null>((facts, step) => factsWith(facts, step), null);
      if (!isDeepStrictEqual(folded, factsBefore(contact, before))) throw new Error(`wfm bench: factsBefore disagrees with factsWith for ${contact.contactKey}`);
    }
  }
}

type Sums = Map<number, Record<string, string | number>>;

/**
 * The rollups of simulated seconds [fromSecond, daySeconds), added to those the append path left at `cut`:
 * contacts through skillContribution / agentContactContribution (contactFacts.ts), states as spans between each
 * agent's consecutive entries split by clipToIntervals (what the append path's deltas add up to). Keys are
 * numbers (interval index, skill, channel, agent): millions of contacts go through here.
 */
export async function fillRestOfDay(store: Store, day: WfmDay, fromSecond: number, daySeconds: number, cut: number) {
  const skill: Sums = new Map();
  const waits: Sums = new Map();
  const contacts: Sums = new Map();
  const states: Sums = new Map();
  const iso = (ms: number) => new Date(ms).toISOString();
  const slot = (intervalStart: number) => Math.round((intervalStart - day.dayStart) / 900_000) + 200; // ≥ 0 for the straddling hours before
  const skillIndex = new Map(SKILLS.map((name, i) => [name, i]));
  const channelIndex = new Map(['voice', 'chat', 'sms', 'web'].map((name, i) => [name, i]));
  const agentIndex = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
  // STATES repeats pairs (its weights): one index per (state, reason code), so one rollup row each.
  const canonical = STATES.map(([state, reason]) => STATES.findIndex(([s, r]) => s === state && r === reason));
  const contribute = (facts: ContactFacts | null, sign: 1 | -1) => {
    if (!facts) return;
    const c = skillContribution(facts);
    if (c) {
      const key = (slot(c.intervalStart) * 8 + skillIndex.get(c.skill)!) * 4 + channelIndex.get(c.channel)!;
      let row = skill.get(key);
      if (!row) skill.set(key, (row = { interval_start: iso(c.intervalStart), skill: c.skill, channel: c.channel, offered: 0, handled: 0, abandoned: 0, answer_ms: 0, handle_ms: 0, handle_count: 0 }));
      (row.offered as number) += sign;
      (row.handled as number) += sign * c.handled;
      (row.abandoned as number) += sign * c.abandoned;
      (row.answer_ms as number) += sign * c.answerMs;
      (row.handle_ms as number) += sign * c.handleMs;
      (row.handle_count as number) += sign * c.handleCount;
      if (c.waitSeconds !== null) {
        let wait = waits.get(key * 4000 + c.waitSeconds);
        if (!wait) waits.set(key * 4000 + c.waitSeconds, (wait = { interval_start: iso(c.intervalStart), skill: c.skill, channel: c.channel, wait_seconds: c.waitSeconds, answered: 0 }));
        (wait.answered as number) += sign;
      }
    }
    const a = agentContactContribution(facts);
    if (a) {
      const key = slot(a.intervalStart) * 10_000 + agentIndex(a.agentId);
      let row = contacts.get(key);
      if (!row) contacts.set(key, (row = { interval_start: iso(a.intervalStart), agent_id: a.agentId, contacts: 0, handle_ms: 0 }));
      (row.contacts as number) += sign * a.contacts;
      (row.handle_ms as number) += sign * a.handleMs;
    }
  };
  let contactCount = 0;
  let straddling = 0;
  for (let s = Math.max(0, fromSecond - STRADDLE_SECONDS); s < fromSecond; s++) {
    for (const contact of contactsAt(day, s)) {
      const before = factsBefore(contact, cut);
      const after = factsBefore(contact);
      if (isDeepStrictEqual(before, after)) continue;
      straddling++;
      contribute(before, -1);
      contribute(after, 1);
    }
  }
  // Each agent's latest entry, where the append path left them: [at, state index in STATES].
  const latest = new Map<number, [number, number]>();
  for (const row of await store.db.selectFrom('wfm_agent_latest').selectAll().execute()) {
    latest.set(agentIndex(row.agent_id), [Date.parse(row.started_at), STATES.findIndex(([state, reason]) => state === row.state && reason === row.reason_code)]);
  }
  let stateCount = 0;
  for (let s = fromSecond; s < daySeconds; s++) {
    for (const contact of contactsAt(day, s)) {
      contactCount++;
      contribute(factsBefore(contact), 1);
    }
    drawStates(day, s, (agent, at, state) => {
      stateCount++;
      const previous = latest.get(agent);
      if (previous) {
        const [since, drawn] = previous;
        const was = canonical[drawn]!;
        for (const piece of clipToIntervals(since, at)) {
          const key = (slot(piece.start) * 10_000 + agent) * 32 + was;
          let row = states.get(key);
          if (!row) states.set(key, (row = { interval_start: iso(piece.start), agent_id: agentId(agent), state: STATES[was]![0], reason_code: STATES[was]![1] ?? '', ms: 0 }));
          (row.ms as number) += piece.ms;
        }
      }
      latest.set(agent, [at, state]);
    });
  }
  const stateRows = [...states.values()];
  await upsertAdding(store, 'wfm_skill_interval_totals', ['interval_start', 'skill', 'channel'], [...skill.values()]);
  await upsertAdding(store, 'wfm_skill_interval_waits', ['interval_start', 'skill', 'channel', 'wait_seconds'], [...waits.values()]);
  await upsertAdding(store, 'wfm_agent_interval_contacts', ['interval_start', 'agent_id'], [...contacts.values()]);
  await upsertAdding(store, 'wfm_agent_interval_states', ['interval_start', 'agent_id', 'state', 'reason_code'], stateRows);
  // Each agent's last entry of the day is their open span; the log id only orders entries at one instant.
  const latestRows = [...latest].map(([agent, [at, state]]) => ({ agent_id: agentId(agent), log_id: 2_000_000_000, started_at: iso(at), state: STATES[state]![0], reason_code: STATES[state]![1] }));
  await sql`delete from wfm_agent_latest`.execute(store.db);
  await insertChunked(store, 'wfm_agent_latest', latestRows);
  return { contacts: contactCount, straddling, states: stateCount, rows: skill.size + waits.size + contacts.size + stateRows.length + latestRows.length };
}

/** Multi-row upserts adding every counter to the row already there (the rollups' own rule). */
async function upsertAdding(store: Store, table: string, key: string[], rows: Array<Record<string, string | number>>): Promise<void> {
  if (rows.length === 0) return;
  const counters = Object.keys(rows[0]!).filter((column) => !key.includes(column));
  const set = counters.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  for (let i = 0; i < rows.length; i += 1000) {
    await insertChunked(store, table, rows.slice(i, i + 1000), `on conflict (${key.join(', ')}) do update set ${set}`);
  }
}

/** Inserts rows a thousand at a time (PostgreSQL takes at most 65,535 parameters a statement). */
export async function insertChunked(store: Store, table: string, rows: Array<Record<string, unknown>>, onConflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((c) => row[c]))})`));
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${values} ${sql.raw(onConflict)}`.execute(store.db);
  }
}
