import type { Channel } from '../domain/interaction.js';
import type { AgentStateName } from '../domain/agentState.js';
import type { ContactLogEntry, ContactStep, StateLogEntry, StateSource } from '../domain/wfm.js';
import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import { preparedQuery, preparedShapes } from './preparedQuery.js';
import type { AgentStateLogTable, ContactLogTable } from './schema.js';

/**
 * The workforce logs (migration 022): appended to, never updated. An entry with an event key already
 * recorded is ignored, so an ACD's retry is recorded once. An append writes its log row alone, one statement,
 * in the caller's transaction if any: the rollups the interval reports read are brought up to date from the
 * logs afterwards, in batches (wfmRollupCatchUp.ts).
 */
// Prepared (preparedQuery.ts): every call and contact appends to both logs.
// An entry as stored: its event key given (null for none), and when it was recorded.
type Stored<E extends { eventKey?: string | null }> = Omit<E, 'eventKey'> & { eventKey: string | null; recordedAt: string };

const insertStateEntry = preparedQuery<Stored<StateLogEntry>>()((db, value) =>
  db
    .insertInto('agent_state_log')
    .values({
      agent_id: value('agentId'),
      state: value('state'),
      reason_code: value('reasonCode'),
      started_at: value('startedAt'),
      interaction_id: value('interactionId'),
      source: value('source'),
      event_key: value('eventKey'),
      recorded_at: value('recordedAt'),
    })
    .onConflict((oc) => oc.column('event_key').doNothing()),
);
// One statement for a contact's steps said together (an ACD's offered and answered in one request): each
// column's values as a list, a query prepared per count.
type ContactStepColumns = { [K in keyof Stored<ContactLogEntry>]-?: Array<Stored<ContactLogEntry>[K]> };
const STEPS_PER_INSERT = 16;
const insertContactSteps = preparedShapes(String, (count: number) =>
  preparedQuery<ContactStepColumns>()((db, value) => {
    const column = <K extends keyof ContactStepColumns>(name: K) => value.list(name, count);
    const [keys, steps, ats, agents, skills, channels, sources, eventKeys, recordedAts] = [
      column('contactKey'),
      column('step'),
      column('at'),
      column('agentId'),
      column('skill'),
      column('channel'),
      column('source'),
      column('eventKey'),
      column('recordedAt'),
    ];
    return db
      .insertInto('contact_log')
      .values(
        keys.map((contactKey, i) => ({
          contact_key: contactKey,
          kind: steps[i]!,
          at: ats[i]!,
          agent_id: agents[i]!,
          skill: skills[i]!,
          channel: channels[i]!,
          source: sources[i]!,
          event_key: eventKeys[i]!,
          recorded_at: recordedAts[i]!,
        })),
      )
      .onConflict((oc) => oc.column('event_key').doNothing());
  }),
);

export async function appendStateLog(db: Db, entry: StateLogEntry, recordedAt: string): Promise<void> {
  const { agentId, state, reasonCode, interactionId, source } = entry;
  await insertStateEntry.run(db, { agentId, state, reasonCode, startedAt: storedTime(entry.startedAt, 'startedAt'), interactionId, source, eventKey: entry.eventKey ?? null, recordedAt });
}

export async function appendContactLog(db: Db, entry: ContactLogEntry, recordedAt: string): Promise<void> {
  await appendContactLogs(db, [entry], recordedAt);
}

/** Appends several steps (of one contact, say) in one statement per 16. */
export async function appendContactLogs(db: Db, entries: readonly ContactLogEntry[], recordedAt: string): Promise<void> {
  for (let start = 0; start < entries.length; start += STEPS_PER_INSERT) {
    const chunk = entries.slice(start, start + STEPS_PER_INSERT);
    await insertContactSteps(chunk.length).run(db, {
      contactKey: chunk.map((e) => e.contactKey),
      step: chunk.map((e) => e.step),
      at: chunk.map((e) => storedTime(e.at, 'at')),
      agentId: chunk.map((e) => e.agentId),
      skill: chunk.map((e) => e.skill),
      channel: chunk.map((e) => e.channel),
      source: chunk.map((e) => e.source),
      eventKey: chunk.map((e) => e.eventKey ?? null),
      recordedAt: chunk.map(() => recordedAt),
    });
  }
}

/** Times are compared as text in the store: always UTC with milliseconds ("2026-12-07T10:00:00.000Z"), whatever form they came in. */
function storedTime(text: string, field: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`workforce log: ${field} is not a time`);
  return new Date(ms).toISOString();
}

/**
 * The state entries that matter for [from, to): each agent's last entry before `from` (the state they were in
 * when it began) and every entry in it, by agent and time.
 */
export async function stateLogBetween(db: Db, from: string, to: string): Promise<StateLogEntry[]> {
  const before = db
    .selectFrom('agent_state_log as l')
    .selectAll('l')
    .where('l.started_at', '<', from)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('agent_state_log as n')
            .select('n.id')
            .whereRef('n.agent_id', '=', 'l.agent_id')
            .where('n.started_at', '<', from)
            .where((eb) => eb.or([eb('n.started_at', '>', eb.ref('l.started_at')), eb.and([eb('n.started_at', '=', eb.ref('l.started_at')), eb('n.id', '>', eb.ref('l.id'))])])),
        ),
      ),
    );
  const within = db.selectFrom('agent_state_log').selectAll().where('started_at', '>=', from).where('started_at', '<', to);
  const rows = await before.unionAll(within).orderBy('agent_id').orderBy('started_at').orderBy('id').execute();
  return rows.map(toStateLogEntry);
}

/** A state log row as the domain reads it. */
export function toStateLogEntry(row: Selectable<AgentStateLogTable>): StateLogEntry {
  return {
    agentId: row.agent_id,
    state: row.state as AgentStateName,
    reasonCode: row.reason_code,
    startedAt: row.started_at,
    interactionId: row.interaction_id,
    source: row.source as StateSource,
    eventKey: row.event_key,
  };
}

/** Every step of the contacts offered in [from, to), including their steps after `to`, by contact and time. */
export async function contactsOfferedBetween(db: Db, from: string, to: string): Promise<ContactLogEntry[]> {
  const offered = db.selectFrom('contact_log').select('contact_key').where('kind', '=', 'offered').where('at', '>=', from).where('at', '<', to);
  const rows = await db.selectFrom('contact_log').selectAll().where('contact_key', 'in', offered).orderBy('contact_key').orderBy('at').orderBy('id').execute();
  return rows.map(toContactLogEntry);
}

/** A contact log row as the domain reads it. */
export function toContactLogEntry(row: Selectable<ContactLogTable>): ContactLogEntry {
  return {
    contactKey: row.contact_key,
    step: row.kind as ContactStep,
    at: row.at,
    agentId: row.agent_id,
    skill: row.skill,
    channel: row.channel as Channel,
    source: row.source as StateSource,
    eventKey: row.event_key,
  };
}
