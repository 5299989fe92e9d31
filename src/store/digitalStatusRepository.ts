import { DIGITAL_KINDS, noDigitalCounts, type DigitalCounts, type DigitalKind } from '../domain/digital.js';
import type { Db } from './db.js';

/*
 * The supervisors' figures for digital conversations: what is open and with whom, and what waits in the queue.
 * Read from the threads and their interactions (one per thread; the interaction's channel is the kind).
 */

function addTo(counts: DigitalCounts, kind: string, count: number | string | bigint): void {
  if ((DIGITAL_KINDS as readonly string[]).includes(kind)) counts[kind as DigitalKind] += Number(count);
}

/** Per agent, their open digital interactions by kind (agents with none are absent). */
export async function digitalLoadByAgent(db: Db): Promise<Map<string, DigitalCounts>> {
  const rows = await db
    .selectFrom('digital_threads as t')
    .innerJoin('interactions as i', 'i.id', 't.interaction_id')
    .select(['i.agent_id as agentId', 'i.channel as kind', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('t.assignment', '=', 'assigned')
    .where('t.status', '!=', 'Closed')
    .where('i.state', '!=', 'completed')
    .where('i.agent_id', '!=', '')
    .groupBy(['i.agent_id', 'i.channel'])
    .execute();
  const load = new Map<string, DigitalCounts>();
  for (const row of rows) {
    const counts = load.get(row.agentId) ?? noDigitalCounts();
    addTo(counts, row.kind, row.count);
    load.set(row.agentId, counts);
  }
  return load;
}

/** The open threads waiting in the queue for an agent, by kind. */
export async function queuedDigitalThreads(db: Db): Promise<DigitalCounts> {
  const rows = await db
    .selectFrom('digital_threads as t')
    .innerJoin('interactions as i', 'i.id', 't.interaction_id')
    .select(['i.channel as kind', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('t.assignment', '=', 'queued')
    .where('t.status', '!=', 'Closed')
    .groupBy('i.channel')
    .execute();
  const counts = noDigitalCounts();
  for (const row of rows) addTo(counts, row.kind, row.count);
  return counts;
}

/** Who has a thread (by its id on the platform) now: the agent ('' while queued or dismissed), and whether it is still open. */
export async function findThreadHolder(db: Db, channelId: string, threadIdOnExternalPlatform: string): Promise<{ agentId: string; open: boolean } | undefined> {
  const row = await db
    .selectFrom('digital_threads as t')
    .innerJoin('interactions as i', 'i.id', 't.interaction_id')
    .select(['i.agent_id as agentId', 't.status as status', 't.assignment as assignment'])
    .where('t.channel_id', '=', channelId)
    .where('t.id_on_external_platform', '=', threadIdOnExternalPlatform)
    .executeTakeFirst();
  if (!row) return undefined;
  return { agentId: row.assignment === 'assigned' ? row.agentId : '', open: row.status !== 'Closed' };
}
