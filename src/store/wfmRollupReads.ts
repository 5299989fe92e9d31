import { PostgresAdapter, sql } from 'kysely';
import type { AgentStateName } from '../domain/agentState.js';
import type { Channel } from '../domain/interaction.js';
import type { AgentActivitySink } from '../wfm/agentActivity.js';
import type { SkillTotals } from '../wfm/contactFacts.js';
import { alignDown } from '../wfm/intervalMath.js';
import type { Db } from './db.js';
import { RepeatedInstants, RepeatedTexts, wholeNumberAt } from './textFields.js';

/**
 * Reads of the workforce rollups (migration 023, kept by wfmRollupRepository.ts) for [from, to), both ISO
 * instants on interval boundaries. A day is a few hundred rows per skill and a few thousand per agent: no raw
 * log row is read. PostgreSQL gives bigint counters as text, hence Number().
 */

/** Per (interval, skill, channel) offered in [from, to) (only `skill` when given), with those answered within `serviceLevelSeconds`. */
export async function skillTotalsBetween(db: Db, from: string, to: string, serviceLevelSeconds: number, skill?: string): Promise<SkillTotals[]> {
  const totals = await db
    .selectFrom('wfm_skill_interval_totals')
    .selectAll()
    .where('interval_start', '>=', from)
    .where('interval_start', '<', to)
    .where('offered', '>', 0)
    .$if(skill !== undefined, (q) => q.where('skill', '=', skill!))
    .execute();
  const within = await db
    .selectFrom('wfm_skill_interval_waits')
    .select(['interval_start', 'skill', 'channel', (eb) => eb.fn.sum<number | string>('answered').as('answered')])
    .where('interval_start', '>=', from)
    .where('interval_start', '<', to)
    .where('wait_seconds', '<=', serviceLevelSeconds)
    .$if(skill !== undefined, (q) => q.where('skill', '=', skill!))
    .groupBy(['interval_start', 'skill', 'channel'])
    .execute();
  const key = (row: { interval_start: string; skill: string; channel: string }) => `${row.interval_start}\u0000${row.skill}\u0000${row.channel}`;
  const withinByKey = new Map(within.map((row) => [key(row), Number(row.answered)]));
  return totals.map((row) => ({
    intervalStart: Date.parse(row.interval_start),
    skill: row.skill,
    channel: row.channel as Channel,
    offered: Number(row.offered),
    handled: Number(row.handled),
    abandoned: Number(row.abandoned),
    answerMs: Number(row.answer_ms),
    handleMs: Number(row.handle_ms),
    handleCount: Number(row.handle_count),
    withinServiceLevel: withinByKey.get(key(row)) ?? 0,
  }));
}

const TAB = '\t';
const NL = '\n';
/**
 * Milliseconds of closed spans per (interval, agent, state, reason code) in [from, to), put into `into`. A busy day
 * is ~200,000 rows: the driver would make an object of each, which costs more than the query, so the database
 * gives one text per agent (a line per row, tab-separated, the reason code escaped: an ACD's may hold any
 * character), read by position into `into` with no object per row.
 */
export async function agentStateMsBetween(db: Db, from: string, to: string, into: Pick<AgentActivitySink, 'addStateMs'>): Promise<void> {
  await Promise.all(partsOf(from, to, STATE_PARTS).map(([partFrom, partTo]) => readStateMs(db, partFrom, partTo, into)));
}

/**
 * Parts of a range read at once, each on its own connection: the database's aggregation is most of the read's
 * time, and parts use as many of its cores; a part's text is read here while another is still aggregated.
 */
const STATE_PARTS = 2;

/** [from, to) cut into `count` ranges at interval boundaries (fewer when it has fewer intervals), as ISO texts. */
function partsOf(from: string, to: string, count: number): Array<[string, string]> {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const cuts = [from];
  for (let i = 1; i < count; i++) {
    const cut = alignDown(start + ((end - start) * i) / count);
    if (cut > Date.parse(cuts.at(-1)!)) cuts.push(new Date(cut).toISOString());
  }
  cuts.push(to);
  return cuts.slice(1).map((cut, i) => [cuts[i]!, cut]);
}

async function readStateMs(db: Db, from: string, to: string, into: Pick<AgentActivitySink, 'addStateMs'>): Promise<void> {
  const concat = sql.raw(db.getExecutor().adapter instanceof PostgresAdapter ? 'string_agg' : 'group_concat');
  const reason = sql`replace(replace(replace(reason_code, ${'\\'}, ${'\\\\'}), ${TAB}, ${'\\t'}), ${NL}, ${'\\n'})`;
  const { rows } = await sql<{ agent_id: string; lines: string }>`
    select agent_id, ${concat}(interval_start || ${TAB} || state || ${TAB} || cast(ms as text) || ${TAB} || ${reason}, ${NL}) as lines
    from wfm_agent_interval_states
    where interval_start >= ${from} and interval_start < ${to} and ms > 0
    group by agent_id`.execute(db);
  const starts = new RepeatedInstants();
  const states = new RepeatedTexts();
  const reasons = new RepeatedTexts();
  for (const { agent_id: agentId, lines } of rows) {
    // Fields: interval start, state, milliseconds, reason code ('' for none).
    eachLine(lines, 4, (b) => {
      const reasonCode = b[3]! + 1 === b[4] ? null : unescapeReason(reasons.at(lines, b[3]! + 1, b[4]!));
      into.addStateMs(starts.at(lines, b[0]!, b[1]!), agentId, states.at(lines, b[1]! + 1, b[2]!) as AgentStateName, reasonCode, wholeNumberAt(lines, b[2]! + 1, b[3]!));
    });
  }
}

/**
 * Walks the lines of an aggregated text, each of `fields` tab-separated fields, without making a string per line or
 * field: `bounds` (reused) holds where the line starts, then where each tab is, then where the line ends.
 */
function eachLine(text: string, fields: number, line: (bounds: Int32Array) => void): void {
  const bounds = new Int32Array(fields + 1);
  for (let at = 0; at < text.length;) {
    const newline = text.indexOf(NL, at);
    const end = newline === -1 ? text.length : newline;
    bounds[0] = at;
    for (let k = 1; k < fields; k++) bounds[k] = text.indexOf(TAB, bounds[k - 1]! + (k === 1 ? 0 : 1));
    bounds[fields] = end;
    line(bounds);
    at = end + 1;
  }
}

function unescapeReason(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\tn])/g, (_, c: string) => (c === 't' ? TAB : c === 'n' ? NL : '\\')) : text;
}

/** Each agent's latest entry that began before `before`: their open span starts there. */
export async function openSpansBefore(db: Db, before: string): Promise<Array<{ agentId: string; state: AgentStateName; reasonCode: string | null; startedAt: number }>> {
  const rows = await db.selectFrom('wfm_agent_latest').select(['agent_id', 'state', 'reason_code', 'started_at']).where('started_at', '<', before).execute();
  return rows.map((row) => ({ agentId: row.agent_id, state: row.state as AgentStateName, reasonCode: row.reason_code, startedAt: Date.parse(row.started_at) }));
}

/** Contacts answered per (interval, agent) in [from, to), with their handle time, put into `into` (one text per agent, read as above). */
export async function agentContactsBetween(db: Db, from: string, to: string, into: Pick<AgentActivitySink, 'addContacts'>): Promise<void> {
  const concat = sql.raw(db.getExecutor().adapter instanceof PostgresAdapter ? 'string_agg' : 'group_concat');
  const { rows } = await sql<{ agent_id: string; lines: string }>`
    select agent_id, ${concat}(interval_start || ${TAB} || cast(contacts as text) || ${TAB} || cast(handle_ms as text), ${NL}) as lines
    from wfm_agent_interval_contacts
    where interval_start >= ${from} and interval_start < ${to} and contacts > 0
    group by agent_id`.execute(db);
  const starts = new RepeatedInstants();
  for (const { agent_id: agentId, lines } of rows) {
    // Fields: interval start, contacts, handle milliseconds.
    eachLine(lines, 3, (b) => into.addContacts(starts.at(lines, b[0]!, b[1]!), agentId, wholeNumberAt(lines, b[1]! + 1, b[2]!), wholeNumberAt(lines, b[2]! + 1, b[3]!)));
  }
}

/** The names of the agents with these ids (an id the agents table does not know is left out). */
export async function agentNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('agents')
      .select(['id', 'name'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}
