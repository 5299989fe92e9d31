import type { AgentStateName } from '../domain/agentState.js';
import type { Channel } from '../domain/interaction.js';
import type { ContactLogEntry, StateLogEntry } from '../domain/wfm.js';
import { spanPieces, type AgentStateMs } from '../wfm/agentActivity.js';
import { agentContactContribution, factsWith, skillContribution, type ContactFacts } from '../wfm/contactFacts.js';
import type { Db } from './db.js';
import type { WfmContactFactsTable } from './schema.js';

/**
 * Brings the workforce rollups (migration 023) up to date with a batch of log entries, by deltas, with the
 * rules each entry always had. The catch-up (wfmRollupCatchUp.ts) gives the entries in the log's id order, every
 * entry with a smaller id already rolled up, inside the transaction that moves its cursor; catch-ups take turns
 * on that cursor, so nothing here locks.
 *
 * Agents: an entry after the agent's latest closes the latest's span (added to the rollup) and becomes the open
 * span; a late entry takes [its time, the next entry's) from the state before it and gives it to its own state
 * (next and before among the entries already rolled up: those with a smaller id).
 * Contacts: the contact's contribution before the step is taken back and its contribution after is added; a step
 * that changes no fact changes nothing.
 * Within a batch the work is in memory (each agent's latest and each contact's facts read once, the deltas summed
 * per rollup row), then written once per row: counters are added to (`x = x + excluded.x`), never overwritten.
 */

const iso = (ms: number) => new Date(ms).toISOString();
/** Rows per multi-row statement: SQLite allows 32,766 bound values, PostgreSQL 65,535; a facts row has 9. */
const CHUNK = 500;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** A log entry with the id the log gave it. */
export interface Logged<E> {
  id: number;
  entry: E;
}

interface Latest {
  logId: number;
  at: number;
  state: AgentStateName;
  reasonCode: string | null;
  startedAt: string;
}

/** Rolls up state entries given in id order: every row of the log between the first's id and the last's. */
export async function rollUpStateEntries(db: Db, logged: readonly Logged<StateLogEntry>[]): Promise<void> {
  if (logged.length === 0) return;
  const latest = new Map<string, Latest>();
  // The batch's agents by its id range, not a list of ids: one SQL text whatever the batch (SQLite prepares each text once).
  const agentsOfBatch = db.selectFrom('agent_state_log').select('agent_id').where('id', '>=', logged[0]!.id).where('id', '<=', logged.at(-1)!.id);
  for (const row of await db.selectFrom('wfm_agent_latest').selectAll().where('agent_id', 'in', agentsOfBatch).execute()) {
    latest.set(row.agent_id, { logId: row.log_id, at: Date.parse(row.started_at), state: row.state as AgentStateName, reasonCode: row.reason_code, startedAt: row.started_at });
  }
  const sums = new StateMsSums();
  const moved = new Set<string>();
  for (const { id, entry } of logged) {
    const at = Date.parse(entry.startedAt);
    const last = latest.get(entry.agentId);
    if (!last || at > last.at || (at === last.at && id > last.logId)) {
      // The agent's first entry opens a span and closes none.
      if (last) sums.add(spanPieces(entry.agentId, last.state, last.reasonCode, last.at, at), 1);
      latest.set(entry.agentId, { logId: id, at, state: entry.state, reasonCode: entry.reasonCode, startedAt: entry.startedAt });
      moved.add(entry.agentId);
      continue;
    }
    // A late entry: the latest is after it, so there is a next one, and the state before it (if any) gave way earlier.
    const previous = await neighbour(db, entry, id, 'before');
    const next = await neighbour(db, entry, id, 'after');
    if (!next) throw new Error('agent_state_log: a late entry has no next entry');
    const end = Date.parse(next.started_at);
    if (previous) sums.add(spanPieces(entry.agentId, previous.state as AgentStateName, previous.reason_code, at, end), -1);
    sums.add(spanPieces(entry.agentId, entry.state, entry.reasonCode, at, end), 1);
  }
  const latestRows = [...moved].map((agentId) => {
    const last = latest.get(agentId)!;
    return { agent_id: agentId, log_id: last.logId, started_at: last.startedAt, state: last.state, reason_code: last.reasonCode };
  });
  await runWrites([
    ...sums.writes(db),
    ...chunks(latestRows).map((rows) =>
      db
        .insertInto('wfm_agent_latest')
        .values(rows)
        .onConflict((oc) =>
          oc.column('agent_id').doUpdateSet((eb) => ({
            log_id: eb.ref('excluded.log_id'),
            started_at: eb.ref('excluded.started_at'),
            state: eb.ref('excluded.state'),
            reason_code: eb.ref('excluded.reason_code'),
          })),
        ),
    ),
  ]);
}

/** The agent's entry just before (or after) the one logged as `logId`, in the log's order (time, then id), among those with a smaller id. */
async function neighbour(db: Db, entry: StateLogEntry, logId: number, side: 'before' | 'after') {
  const before = side === 'before';
  return db
    .selectFrom('agent_state_log')
    .select(['started_at', 'state', 'reason_code'])
    .where('agent_id', '=', entry.agentId)
    .where('id', '<', logId)
    .where('started_at', before ? '<=' : '>', entry.startedAt)
    .orderBy('started_at', before ? 'desc' : 'asc')
    .orderBy('id', before ? 'desc' : 'asc')
    .limit(1)
    .executeTakeFirst();
}

/** Milliseconds added (sign 1) or taken back (sign -1) per (interval, agent, state, reason code), summed. */
class StateMsSums {
  private readonly rows = new Map<string, { interval_start: string; agent_id: string; state: string; reason_code: string; ms: number }>();

  add(pieces: AgentStateMs[], sign: 1 | -1): void {
    for (const p of pieces) {
      const reasonCode = p.reasonCode ?? '';
      const key = JSON.stringify([p.intervalStart, p.agentId, p.state, reasonCode]);
      const row = this.rows.get(key) ?? { interval_start: iso(p.intervalStart), agent_id: p.agentId, state: p.state, reason_code: reasonCode, ms: 0 };
      row.ms += sign * p.ms;
      this.rows.set(key, row);
    }
  }

  writes(db: Db): Executable[] {
    // A slice taken back and given again to the same state is no change.
    return chunks([...this.rows.values()].filter((row) => row.ms !== 0)).map((rows) =>
      db
        .insertInto('wfm_agent_interval_states')
        .values(rows)
        .onConflict((oc) => oc.columns(['interval_start', 'agent_id', 'state', 'reason_code']).doUpdateSet((eb) => ({ ms: eb(eb.ref('wfm_agent_interval_states.ms'), '+', eb.ref('excluded.ms')) }))),
    );
  }
}

const factsRow = (key: string, f: ContactFacts): WfmContactFactsTable => ({
  contact_key: key,
  skill: f.skill,
  channel: f.channel,
  offered_at: f.offeredAt === null ? null : iso(f.offeredAt),
  answered_at: f.answeredAt === null ? null : iso(f.answeredAt),
  answered_by: f.answeredBy,
  ended_at: f.endedAt === null ? null : iso(f.endedAt),
  acw_completed_at: f.acwCompletedAt === null ? null : iso(f.acwCompletedAt),
  abandoned_at: f.abandonedAt === null ? null : iso(f.abandonedAt),
});

const time = (text: string | null) => (text === null ? null : Date.parse(text));
const factsOf = (row: WfmContactFactsTable): ContactFacts => ({
  skill: row.skill,
  channel: row.channel as Channel,
  offeredAt: time(row.offered_at),
  answeredAt: time(row.answered_at),
  answeredBy: row.answered_by,
  endedAt: time(row.ended_at),
  acwCompletedAt: time(row.acw_completed_at),
  abandonedAt: time(row.abandoned_at),
});

/** Rolls up contact steps given in id order: every row of the log between the first's id and the last's. */
export async function rollUpContactSteps(db: Db, logged: readonly Logged<ContactLogEntry>[]): Promise<void> {
  if (logged.length === 0) return;
  const known = new Map<string, ContactFacts>();
  const contactsOfBatch = db.selectFrom('contact_log').select('contact_key').where('id', '>=', logged[0]!.id).where('id', '<=', logged.at(-1)!.id);
  for (const row of await db.selectFrom('wfm_contact_facts').selectAll().where('contact_key', 'in', contactsOfBatch).execute()) known.set(row.contact_key, factsOf(row));
  const deltas = new ContactDeltas();
  const changed = new Set<string>();
  for (const { entry } of logged) {
    const before = known.get(entry.contactKey) ?? null;
    const after = factsWith(before, entry);
    if (after === before) continue;
    deltas.add(before, after);
    known.set(entry.contactKey, after);
    changed.add(entry.contactKey);
  }
  const factsRows = [...changed].map((key) => factsRow(key, known.get(key)!));
  await runWrites([
    ...chunks(factsRows).map((rows) =>
      db
        .insertInto('wfm_contact_facts')
        .values(rows)
        .onConflict((oc) =>
          oc.column('contact_key').doUpdateSet((eb) => ({
            skill: eb.ref('excluded.skill'),
            channel: eb.ref('excluded.channel'),
            offered_at: eb.ref('excluded.offered_at'),
            answered_at: eb.ref('excluded.answered_at'),
            answered_by: eb.ref('excluded.answered_by'),
            ended_at: eb.ref('excluded.ended_at'),
            acw_completed_at: eb.ref('excluded.acw_completed_at'),
            abandoned_at: eb.ref('excluded.abandoned_at'),
          })),
        ),
    ),
    ...deltas.writes(db),
  ]);
}

type SkillRow = { interval_start: string; skill: string; channel: string; offered: number; handled: number; abandoned: number; answer_ms: number; handle_ms: number; handle_count: number };
type WaitRow = { interval_start: string; skill: string; channel: string; wait_seconds: number; answered: number };
type AgentContactsRow = { interval_start: string; agent_id: string; contacts: number; handle_ms: number };

/** What contacts' steps change in the skill and agent-contact rollups, summed per row: each step takes back the contact's contribution before it and adds the one after. */
class ContactDeltas {
  private readonly skill = new Map<string, SkillRow>();
  private readonly waits = new Map<string, WaitRow>();
  private readonly agents = new Map<string, AgentContactsRow>();

  add(before: ContactFacts | null, after: ContactFacts): void {
    if (before) this.contribute(before, -1);
    this.contribute(after, 1);
  }

  private contribute(facts: ContactFacts, sign: 1 | -1): void {
    const c = skillContribution(facts);
    if (c) {
      const key = JSON.stringify([c.intervalStart, c.skill, c.channel]);
      const row = this.skill.get(key) ?? {
        interval_start: iso(c.intervalStart),
        skill: c.skill,
        channel: c.channel,
        offered: 0,
        handled: 0,
        abandoned: 0,
        answer_ms: 0,
        handle_ms: 0,
        handle_count: 0,
      };
      row.offered += sign * c.offered;
      row.handled += sign * c.handled;
      row.abandoned += sign * c.abandoned;
      row.answer_ms += sign * c.answerMs;
      row.handle_ms += sign * c.handleMs;
      row.handle_count += sign * c.handleCount;
      this.skill.set(key, row);
      if (c.waitSeconds !== null) {
        const waitKey = JSON.stringify([c.intervalStart, c.skill, c.channel, c.waitSeconds]);
        const wait = this.waits.get(waitKey) ?? { interval_start: iso(c.intervalStart), skill: c.skill, channel: c.channel, wait_seconds: c.waitSeconds, answered: 0 };
        wait.answered += sign;
        this.waits.set(waitKey, wait);
      }
    }
    const a = agentContactContribution(facts);
    if (a) {
      const key = JSON.stringify([a.intervalStart, a.agentId]);
      const row = this.agents.get(key) ?? { interval_start: iso(a.intervalStart), agent_id: a.agentId, contacts: 0, handle_ms: 0 };
      row.contacts += sign * a.contacts;
      row.handle_ms += sign * a.handleMs;
      this.agents.set(key, row);
    }
  }

  writes(db: Db): Executable[] {
    // A contribution taken back and added again under the same key, unchanged, is no change.
    const skillRows = [...this.skill.values()].filter((r) => r.offered || r.handled || r.abandoned || r.answer_ms || r.handle_ms || r.handle_count);
    const waitRows = [...this.waits.values()].filter((r) => r.answered !== 0);
    const agentRows = [...this.agents.values()].filter((r) => r.contacts || r.handle_ms);
    return [
      ...chunks(skillRows).map((rows) =>
        db
          .insertInto('wfm_skill_interval_totals')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['interval_start', 'skill', 'channel']).doUpdateSet((eb) => ({
              offered: eb(eb.ref('wfm_skill_interval_totals.offered'), '+', eb.ref('excluded.offered')),
              handled: eb(eb.ref('wfm_skill_interval_totals.handled'), '+', eb.ref('excluded.handled')),
              abandoned: eb(eb.ref('wfm_skill_interval_totals.abandoned'), '+', eb.ref('excluded.abandoned')),
              answer_ms: eb(eb.ref('wfm_skill_interval_totals.answer_ms'), '+', eb.ref('excluded.answer_ms')),
              handle_ms: eb(eb.ref('wfm_skill_interval_totals.handle_ms'), '+', eb.ref('excluded.handle_ms')),
              handle_count: eb(eb.ref('wfm_skill_interval_totals.handle_count'), '+', eb.ref('excluded.handle_count')),
            })),
          ),
      ),
      ...chunks(waitRows).map((rows) =>
        db
          .insertInto('wfm_skill_interval_waits')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['interval_start', 'skill', 'channel', 'wait_seconds']).doUpdateSet((eb) => ({ answered: eb(eb.ref('wfm_skill_interval_waits.answered'), '+', eb.ref('excluded.answered')) })),
          ),
      ),
      ...chunks(agentRows).map((rows) =>
        db
          .insertInto('wfm_agent_interval_contacts')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['interval_start', 'agent_id']).doUpdateSet((eb) => ({
              contacts: eb(eb.ref('wfm_agent_interval_contacts.contacts'), '+', eb.ref('excluded.contacts')),
              handle_ms: eb(eb.ref('wfm_agent_interval_contacts.handle_ms'), '+', eb.ref('excluded.handle_ms')),
            })),
          ),
      ),
    ];
  }
}

/** One write of a rollup: an upsert. */
type Executable = { execute(): Promise<unknown> };

/** Runs the writes one after another (a batch has a handful: one per rollup table and chunk of rows). */
async function runWrites(writes: Executable[]): Promise<void> {
  for (const write of writes) await write.execute();
}
