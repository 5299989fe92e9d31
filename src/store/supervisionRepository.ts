import type { CanonicalFields } from '../domain/crmRecord.js';
import type { Channel, InteractionState } from '../domain/interaction.js';
import type { Db } from './db.js';

/*
 * What the supervisors' status and wallboard read at once for every agent (issue 15): each open interaction
 * with the skill or queue it came through, the records on their cards, and what waits in the queues. One
 * statement each, whatever the number of agents.
 */

/** An interaction not completed, held by an agent (a digital one only while assigned to them). */
export interface OpenInteractionRow {
  id: string;
  agentId: string;
  channel: Channel;
  ani: string;
  state: InteractionState;
  /** The ACD contact's skill, or the digital thread's; null when it came through none. */
  skill: string | null;
}

/** Bounds what one read brings back, whatever the store holds. */
const MAX_ROWS = 20_000;

export async function openInteractionsOfAgents(db: Db): Promise<OpenInteractionRow[]> {
  const rows = await db
    .selectFrom('interactions as i')
    .leftJoin('acd_contacts as c', 'c.contact_id', 'i.acd_contact_id')
    .leftJoin('digital_threads as t', 't.interaction_id', 'i.id')
    .select(['i.id as id', 'i.agent_id as agentId', 'i.channel as channel', 'i.ani as ani', 'i.state as state', 'c.skill as acdSkill', 't.skill as threadSkill'])
    .where('i.state', '!=', 'completed')
    .where('i.agent_id', '!=', '')
    .where((eb) => eb.or([eb('t.id', 'is', null), eb('t.assignment', '=', 'assigned')]))
    .orderBy('i.started_at')
    .limit(MAX_ROWS)
    .execute();
  return rows.map((r) => ({ id: r.id, agentId: r.agentId, channel: r.channel as Channel, ani: r.ani, state: r.state as InteractionState, skill: r.acdSkill ?? r.threadSkill ?? null }));
}

/** A record the caller was matched to or the agent linked, on an agent's open interaction. */
export interface OpenRecordRow {
  agentId: string;
  interactionId: string;
  label: string;
  canonical: CanonicalFields;
}

/**
 * The records each open interaction is with: those the agent linked, and the people, organizations and leads
 * the data dip matched (not the related cases or history it found with them). Linked first, in card order.
 */
export async function recordsOfOpenInteractions(db: Db): Promise<OpenRecordRow[]> {
  // From the open interactions (their index, migration 029) to their records: a cross join is SQLite's way of
  // keeping that order, where it would otherwise read every record row stored and look up its interaction.
  const rows = await db
    .selectFrom('interactions as i')
    .crossJoin('interaction_records as r')
    .whereRef('r.interaction_id', '=', 'i.id')
    .leftJoin('digital_threads as t', 't.interaction_id', 'i.id')
    .select(['i.agent_id as agentId', 'r.interaction_id as interactionId', 'r.label as label', 'r.canonical as canonical'])
    .where('i.state', '!=', 'completed')
    .where('i.agent_id', '!=', '')
    .where((eb) => eb.or([eb('r.linked', '=', 1), eb.and([eb('r.origin', '=', 'ani'), eb('r.role', 'in', ['person', 'organization', 'lead', 'other'])])]))
    .where((eb) => eb.or([eb('t.id', 'is', null), eb('t.assignment', '=', 'assigned')]))
    .orderBy('r.interaction_id')
    .orderBy('r.linked', 'desc')
    .orderBy('r.position')
    .limit(MAX_ROWS)
    .execute();
  return rows.map((r) => ({ agentId: r.agentId, interactionId: r.interactionId, label: r.label, canonical: parseCanonical(r.canonical) }));
}

function parseCanonical(text: string | undefined): CanonicalFields {
  if (!text) return {};
  try {
    return JSON.parse(text) as CanonicalFields;
  } catch {
    return {};
  }
}

/** The email each agent is known by, where one is recorded (DIGITAL_AGENT_SKILLS may name agents by it). */
export async function agentEmails(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('agents').select(['id', 'email']).where('email', 'is not', null).limit(MAX_ROWS).execute();
  return new Map(rows.flatMap((r) => (r.email ? [[r.id, r.email] as const] : [])));
}

/** What waits for an agent: digital threads in the queue by kind and skill; ACD contacts offered and not yet answered, by skill and channel. */
export interface QueueRows {
  digital: Array<{ kind: string; skill: string | null; count: number; oldestSince: string }>;
  acd: Array<{ skill: string | null; channel: string | null; count: number; oldestSince: string }>;
}

/**
 * `offeredSince`: ACD contacts offered before it are left out: an ACD that never said what became of a
 * contact would otherwise keep it waiting for ever.
 */
export async function waitingInQueues(db: Db, offeredSince: string): Promise<QueueRows> {
  const [digital, acd] = await Promise.all([
    db
      .selectFrom('digital_threads as t')
      .innerJoin('interactions as i', 'i.id', 't.interaction_id')
      .select(['i.channel as kind', 't.skill as skill', (eb) => eb.fn.countAll<number | string>().as('count'), (eb) => eb.fn.min('t.last_message_at').as('oldestSince')])
      .where('t.assignment', '=', 'queued')
      .where('t.status', '!=', 'Closed')
      .groupBy(['i.channel', 't.skill'])
      .orderBy('i.channel')
      .orderBy('t.skill')
      .limit(1000)
      .execute(),
    db
      .selectFrom('acd_contacts')
      .select(['skill', 'channel', (eb) => eb.fn.countAll<number | string>().as('count'), (eb) => eb.fn.min('phase_at').as('oldestSince')])
      .where('phase', '=', 'offered')
      .where('phase_at', '>=', offeredSince)
      .groupBy(['skill', 'channel'])
      .orderBy('skill')
      .orderBy('channel')
      .limit(1000)
      .execute(),
  ]);
  return {
    digital: digital.map((r) => ({ kind: r.kind, skill: r.skill, count: Number(r.count), oldestSince: String(r.oldestSince) })),
    acd: acd.map((r) => ({ skill: r.skill, channel: r.channel, count: Number(r.count), oldestSince: String(r.oldestSince) })),
  };
}
