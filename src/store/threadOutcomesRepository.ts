import type { DigitalTrigger, ThreadAssignment, ThreadStatus } from '../domain/digital.js';
import type { Db } from './db.js';

/*
 * What the outcome of a digital thread writes and reads (issue 14): its status and tags, letting it go (queued or
 * dismissed), the trigger set once, and the transcript's summary. Every change is conditional, so two clicks or
 * two instances racing make one change and the loser learns it (false).
 */

/**
 * Holds the agent's open interaction for the rest of the transaction (on PostgreSQL, a row lock: a racing
 * change waits, then finds it moved); false when it is not theirs and open any more. Every change of a
 * thread's outcome starts here, so all of them lock the interaction before the thread, in that order.
 */
export async function holdOwnedOpen(db: Db, interactionId: string, agentId: string): Promise<boolean> {
  const result = await db
    .updateTable('interactions')
    .set((eb) => ({ agent_id: eb.ref('agent_id') }))
    .where('id', '=', interactionId)
    .where('agent_id', '=', agentId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets the thread's status and tags unless it is Closed already; false when it was (Closed is final). */
export async function saveThreadOutcome(db: Db, threadId: string, outcome: { status: ThreadStatus; tags: string[] }): Promise<boolean> {
  const result = await db
    .updateTable('digital_threads')
    .set({ status: outcome.status, tags: JSON.stringify(outcome.tags) })
    .where('id', '=', threadId)
    .where('status', '<>', 'Closed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records the trigger, once ever: false when a trigger was recorded already (nothing more is to be queued). */
export async function markThreadTriggered(db: Db, threadId: string, trigger: DigitalTrigger, at: string): Promise<boolean> {
  const result = await db.updateTable('digital_threads').set({ triggered_at: at, trigger }).where('id', '=', threadId).where('triggered_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Takes the thread from its agent: to the queue (with the skill it is routed by next) or dismissed. Its
 * interaction is then nobody's (agent_id '') and has no card message (the next agent gets a new one). Only if
 * the agent still has it and it is open; returns the card message it had (to give it a last update), or false.
 */
export async function releaseThread(
  db: Db,
  release: { threadId: string; interactionId: string; agentId: string; assignment: Exclude<ThreadAssignment, 'assigned'>; skill: string | null },
): Promise<{ cardMessageId: string | null } | false> {
  const before = await db.selectFrom('interactions').select('card_activity_id').where('id', '=', release.interactionId).executeTakeFirst();
  const freed = await db
    .updateTable('interactions')
    .set({ agent_id: '', card_activity_id: null })
    .where('id', '=', release.interactionId)
    .where('agent_id', '=', release.agentId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  if (Number(freed.numUpdatedRows) !== 1) return false;
  await db.updateTable('digital_threads').set({ assignment: release.assignment, skill: release.skill }).where('id', '=', release.threadId).execute();
  return { cardMessageId: before?.card_activity_id ?? null };
}

export interface TranscriptCounts {
  first: { authorName: string; text: string; createdAt: string } | undefined;
  last: { authorName: string; text: string; createdAt: string } | undefined;
  inbound: number;
  outbound: number;
}

/** The first and last messages of a thread (by when they were written) and how many went each way. */
export async function threadTranscriptCounts(db: Db, threadId: string): Promise<TranscriptCounts> {
  const edge = (order: 'asc' | 'desc') =>
    db
      .selectFrom('digital_messages')
      .select(['author_name as authorName', 'text', 'created_at as createdAt'])
      .where('thread_id', '=', threadId)
      .orderBy('created_at', order)
      .orderBy('id', order)
      .limit(1)
      .executeTakeFirst();
  const counts = await db
    .selectFrom('digital_messages')
    .select(['direction', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('thread_id', '=', threadId)
    .groupBy('direction')
    .execute();
  const count = (direction: string) => Number(counts.find((c) => c.direction === direction)?.n ?? 0);
  return { first: await edge('asc'), last: await edge('desc'), inbound: count('inbound'), outbound: count('outbound') };
}
