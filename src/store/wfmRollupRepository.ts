import { PostgresAdapter, type QueryCreator } from 'kysely';
import type { AgentStateName } from '../domain/agentState.js';
import type { Channel } from '../domain/interaction.js';
import type { ContactLogEntry, StateLogEntry } from '../domain/wfm.js';
import { spanPieces, type AgentStateMs } from '../wfm/agentActivity.js';
import { agentContactContribution, factsWith, skillContribution, type ContactFacts } from '../wfm/contactFacts.js';
import type { Db } from './db.js';
import type { Database, WfmContactFactsTable } from './schema.js';

/**
 * Keeps the workforce rollups (migration 023) equal to what the logs say, by deltas, as each log entry is
 * appended, on the append's own transaction (wfmLogRepository.ts calls these right after the entry's insert).
 *
 * Agents: the agent's wfm_agent_latest row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite's
 * transactions are serial), so two instances appending for one agent take turns and each sees the other's
 * entry. An entry after the latest closes the latest's span (added to the rollup) and becomes the open span; a
 * late entry takes [its time, the next entry's) from the state before it and gives it to its own state.
 * Contacts: the contact's facts row is locked the same way; the contact's contribution before the step is taken
 * back and its contribution after is added; a step that changes no fact changes nothing.
 * Counters are added to (`x = x + excluded.x`), never overwritten, so concurrent appends for other agents or
 * contacts that share an interval row both count.
 */

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;
const iso = (ms: number) => new Date(ms).toISOString();
/** Rows per multi-row upsert: SQLite allows 32,766 bound values, and a long absence spans many intervals. */
const CHUNK = 500;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Rolls up the state entry just inserted as `logId`. */
export async function rollUpStateEntry(db: Db, entry: StateLogEntry, logId: number): Promise<void> {
  const at = Date.parse(entry.startedAt);
  let latest = await lockLatest(db, entry.agentId);
  if (!latest) {
    const created = await db
      .insertInto('wfm_agent_latest')
      .values({ agent_id: entry.agentId, log_id: logId, started_at: entry.startedAt, state: entry.state, reason_code: entry.reasonCode })
      .onConflict((oc) => oc.column('agent_id').doNothing())
      .returning('agent_id')
      .executeTakeFirst();
    // The agent's first entry: only an open span, nothing closed yet.
    if (created) return;
    latest = await lockLatest(db, entry.agentId);
    if (!latest) throw new Error('wfm_agent_latest: the row just found conflicting is gone');
  }
  const latestAt = Date.parse(latest.started_at);
  if (at > latestAt || (at === latestAt && logId > latest.log_id)) {
    await runWrites(db, [
      ...stateMsWrites(spanPieces(entry.agentId, latest.state as AgentStateName, latest.reason_code, latestAt, at), 1),
      (qc) => qc.updateTable('wfm_agent_latest').set({ log_id: logId, started_at: entry.startedAt, state: entry.state, reason_code: entry.reasonCode }).where('agent_id', '=', entry.agentId),
    ]);
    return;
  }
  // A late entry: the latest is after it, so there is a next one, and the state before it (if any) gave way earlier.
  const previous = await neighbour(db, entry, logId, 'before');
  const next = await neighbour(db, entry, logId, 'after');
  if (!next) throw new Error('agent_state_log: a late entry has no next entry');
  const end = Date.parse(next.started_at);
  // Two statements: both may touch the same rows (the same state before and after), which one statement may not.
  if (previous) await runWrites(db, stateMsWrites(spanPieces(entry.agentId, previous.state as AgentStateName, previous.reason_code, at, end), -1));
  await runWrites(db, stateMsWrites(spanPieces(entry.agentId, entry.state, entry.reasonCode, at, end), 1));
}

async function lockLatest(db: Db, agentId: string) {
  return db
    .selectFrom('wfm_agent_latest')
    .select(['log_id', 'started_at', 'state', 'reason_code'])
    .where('agent_id', '=', agentId)
    .$if(isPostgres(db), (q) => q.forUpdate())
    .executeTakeFirst();
}

/** The agent's entry just before (or after) the one appended as `logId`, in the log's order: time, then id. */
async function neighbour(db: Db, entry: StateLogEntry, logId: number, side: 'before' | 'after') {
  const before = side === 'before';
  return db
    .selectFrom('agent_state_log')
    .select(['started_at', 'state', 'reason_code'])
    .where('agent_id', '=', entry.agentId)
    .where((eb) => eb.or([eb('started_at', before ? '<' : '>', entry.startedAt), eb.and([eb('started_at', '=', entry.startedAt), eb('id', before ? '<' : '>', logId)])]))
    .orderBy('started_at', before ? 'desc' : 'asc')
    .orderBy('id', before ? 'desc' : 'asc')
    .limit(1)
    .executeTakeFirst();
}

/** Adds (sign 1) or takes back (sign -1) the pieces' milliseconds: one upsert per chunk of distinct keys. */
function stateMsWrites(pieces: AgentStateMs[], sign: 1 | -1): Write[] {
  const rows = pieces.filter((p) => p.ms > 0).map((p) => ({ interval_start: iso(p.intervalStart), agent_id: p.agentId, state: p.state, reason_code: p.reasonCode ?? '', ms: sign * p.ms }));
  return chunks(rows).map(
    (chunk) => (qc) =>
      qc
        .insertInto('wfm_agent_interval_states')
        .values(chunk)
        .onConflict((oc) => oc.columns(['interval_start', 'agent_id', 'state', 'reason_code']).doUpdateSet((eb) => ({ ms: eb(eb.ref('wfm_agent_interval_states.ms'), '+', eb.ref('excluded.ms')) }))),
  );
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

/** Rolls up a contact step just inserted into the log. */
export async function rollUpContactEntry(db: Db, entry: ContactLogEntry): Promise<void> {
  // An offer is most often a new contact's first step: try to create its facts (one statement), else lock them.
  const fresh = factsWith(null, entry);
  const create = () =>
    db
      .insertInto('wfm_contact_facts')
      .values(factsRow(entry.contactKey, fresh))
      .onConflict((oc) => oc.column('contact_key').doNothing())
      .returning('contact_key')
      .executeTakeFirst();
  const lock = () =>
    db
      .selectFrom('wfm_contact_facts')
      .selectAll()
      .where('contact_key', '=', entry.contactKey)
      .$if(isPostgres(db), (q) => q.forUpdate())
      .executeTakeFirst();
  let row = entry.step === 'offered' ? undefined : await lock();
  if (!row) {
    if (await create()) return applyContactDelta(db, null, fresh);
    row = await lock();
    if (!row) throw new Error('wfm_contact_facts: the row just found conflicting is gone');
  }
  const before = factsOf(row);
  const after = factsWith(before, entry);
  if (after === before) return;
  const { contact_key: _key, ...changed } = factsRow(entry.contactKey, after);
  await applyContactDelta(db, before, after, [(qc) => qc.updateTable('wfm_contact_facts').set(changed).where('contact_key', '=', entry.contactKey)]);
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** Takes back what the contact counted as `before` and adds what it counts as `after`, key by key. */
async function applyContactDelta(db: Db, before: ContactFacts | null, after: ContactFacts, writes: Write[] = []): Promise<void> {
  const skill = new Map<
    string,
    { interval_start: string; skill: string; channel: string; offered: number; handled: number; abandoned: number; answer_ms: number; handle_ms: number; handle_count: number }
  >();
  const waits = new Map<string, { interval_start: string; skill: string; channel: string; wait_seconds: number; answered: number }>();
  const agents = new Map<string, { interval_start: string; agent_id: string; contacts: number; handle_ms: number }>();
  for (const [facts, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!facts) continue;
    const c = skillContribution(facts);
    if (c) {
      const key = JSON.stringify([c.intervalStart, c.skill, c.channel]);
      const row = skill.get(key) ?? { interval_start: iso(c.intervalStart), skill: c.skill, channel: c.channel, offered: 0, handled: 0, abandoned: 0, answer_ms: 0, handle_ms: 0, handle_count: 0 };
      row.offered += sign * c.offered;
      row.handled += sign * c.handled;
      row.abandoned += sign * c.abandoned;
      row.answer_ms += sign * c.answerMs;
      row.handle_ms += sign * c.handleMs;
      row.handle_count += sign * c.handleCount;
      skill.set(key, row);
      if (c.waitSeconds !== null) {
        const waitKey = JSON.stringify([c.intervalStart, c.skill, c.channel, c.waitSeconds]);
        const wait = waits.get(waitKey) ?? { interval_start: iso(c.intervalStart), skill: c.skill, channel: c.channel, wait_seconds: c.waitSeconds, answered: 0 };
        wait.answered += sign;
        waits.set(waitKey, wait);
      }
    }
    const a = agentContactContribution(facts);
    if (a) {
      const key = JSON.stringify([a.intervalStart, a.agentId]);
      const row = agents.get(key) ?? { interval_start: iso(a.intervalStart), agent_id: a.agentId, contacts: 0, handle_ms: 0 };
      row.contacts += sign * a.contacts;
      row.handle_ms += sign * a.handleMs;
      agents.set(key, row);
    }
  }
  // A contribution taken back and added again under the same key, unchanged, is no change.
  // Rows in key order: two contacts moving between the same two intervals at once lock them in the same order (no deadlock).
  const skillRows = [...skill]
    .sort(byKey)
    .map(([, row]) => row)
    .filter((r) => r.offered || r.handled || r.abandoned || r.answer_ms || r.handle_ms || r.handle_count);
  if (skillRows.length) {
    writes.push((qc) =>
      qc
        .insertInto('wfm_skill_interval_totals')
        .values(skillRows)
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
    );
  }
  const waitRows = [...waits]
    .sort(byKey)
    .map(([, row]) => row)
    .filter((row) => row.answered !== 0);
  if (waitRows.length) {
    writes.push((qc) =>
      qc
        .insertInto('wfm_skill_interval_waits')
        .values(waitRows)
        .onConflict((oc) =>
          oc.columns(['interval_start', 'skill', 'channel', 'wait_seconds']).doUpdateSet((eb) => ({ answered: eb(eb.ref('wfm_skill_interval_waits.answered'), '+', eb.ref('excluded.answered')) })),
        ),
    );
  }
  const agentRows = [...agents]
    .sort(byKey)
    .map(([, row]) => row)
    .filter((r) => r.contacts || r.handle_ms);
  if (agentRows.length) {
    writes.push((qc) =>
      qc
        .insertInto('wfm_agent_interval_contacts')
        .values(agentRows)
        .onConflict((oc) =>
          oc.columns(['interval_start', 'agent_id']).doUpdateSet((eb) => ({
            contacts: eb(eb.ref('wfm_agent_interval_contacts.contacts'), '+', eb.ref('excluded.contacts')),
            handle_ms: eb(eb.ref('wfm_agent_interval_contacts.handle_ms'), '+', eb.ref('excluded.handle_ms')),
          })),
        ),
    );
  }
  await runWrites(db, writes);
}

/** One write of a rollup: an upsert or an update, built on whatever runs it. */
type Write = (qc: QueryCreator<Database>) => { execute(): Promise<unknown> };

/**
 * Runs the writes in order. On PostgreSQL, as one statement (the first ones as data-modifying WITH clauses, on
 * different tables, each run once and to completion): an append's round trips are most of its cost.
 */
async function runWrites(db: Db, writes: Write[]): Promise<void> {
  if (!isPostgres(db) || writes.length < 2) {
    for (const write of writes) await write(db).execute();
    return;
  }
  let creator: QueryCreator<Database> = db;
  // The WITH clauses' names are never read: each is there for its write alone.
  for (const [i, write] of writes.slice(0, -1).entries()) creator = creator.with(`w${i}`, (qc) => write(qc as QueryCreator<Database>) as never) as unknown as QueryCreator<Database>;
  await writes.at(-1)!(creator).execute();
}
