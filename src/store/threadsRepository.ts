import { sql, SqliteAdapter } from 'kysely';
import type { DeliveryStatus, DigitalChannel, DigitalKind, DigitalMessage, EndUserIdentity, MessageDirection, Thread, ThreadAssignment, ThreadStatus } from '../domain/digital.js';
import type { Db } from './db.js';
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { AgentsTable, Database, DigitalMessagesTable, DigitalThreadsTable } from './schema.js';

/*
 * Digital threads and their messages, as the intake writes them and routing and the card read them
 * (issue 14). A thread is one digital interaction (interactions.channel = the channel's kind).
 */

function toThread(row: Selectable<DigitalThreadsTable>): Thread {
  return {
    id: row.id,
    channelId: row.channel_id,
    idOnExternalPlatform: row.id_on_external_platform,
    interactionId: row.interaction_id,
    status: row.status as ThreadStatus,
    assignment: row.assignment as ThreadAssignment,
    skill: row.skill,
    author: JSON.parse(row.author) as EndUserIdentity,
    tags: JSON.parse(row.tags) as string[],
    triggeredAt: row.triggered_at,
    trigger: row.trigger as Thread['trigger'],
    createdAt: row.created_at,
    lastMessageAt: row.last_message_at,
  };
}

function toMessage(row: Selectable<DigitalMessagesTable>): DigitalMessage {
  return {
    id: row.id,
    channelId: row.channel_id,
    threadId: row.thread_id,
    idOnExternalPlatform: row.id_on_external_platform,
    direction: row.direction as MessageDirection,
    text: row.text,
    createdAt: row.created_at,
    authorName: row.author_name,
    agentId: row.agent_id,
    delivery: row.delivery_status ? { status: row.delivery_status as DeliveryStatus, error: row.delivery_error } : null,
  };
}

export async function findThread(db: Db, id: string): Promise<Thread | undefined> {
  const row = await db.selectFrom('digital_threads').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toThread(row) : undefined;
}

export async function findThreadOfInteraction(db: Db, interactionId: string): Promise<Thread | undefined> {
  const row = await db.selectFrom('digital_threads').selectAll().where('interaction_id', '=', interactionId).executeTakeFirst();
  return row ? toThread(row) : undefined;
}

/**
 * The open threads assigned to this agent, the one whose end user wrote last first: where "reply <text>" goes
 * when the agent does not say which.
 */
export async function assignedThreadsOf(db: Db, agentId: string): Promise<Thread[]> {
  const rows = await db
    .selectFrom('digital_threads as t')
    .innerJoin('interactions as i', 'i.id', 't.interaction_id')
    .selectAll('t')
    .select((eb) =>
      eb
        .selectFrom('digital_messages as m')
        .select((m) => m.fn.max('m.created_at').as('at'))
        .whereRef('m.thread_id', '=', 't.id')
        .where('m.direction', '=', 'inbound')
        .as('last_inbound_at'),
    )
    .where('i.agent_id', '=', agentId)
    .where('i.state', '!=', 'completed')
    .where('t.assignment', '=', 'assigned')
    .where('t.status', '!=', 'Closed')
    .execute();
  const lastInbound = (row: { last_inbound_at: unknown }) => (row.last_inbound_at as string | null) ?? '';
  return rows.sort((a, b) => lastInbound(b).localeCompare(lastInbound(a))).map(toThread);
}

export async function findThreadByExternalId(db: Db, channelId: string, idOnExternalPlatform: string): Promise<Thread | undefined> {
  const row = await db.selectFrom('digital_threads').selectAll().where('channel_id', '=', channelId).where('id_on_external_platform', '=', idOnExternalPlatform).executeTakeFirst();
  return row ? toThread(row) : undefined;
}

/** Inserts the thread unless the platform's thread is known already (another intake created it first): whether it did. */
export async function insertThread(db: Db, thread: Thread): Promise<boolean> {
  const result = await db
    .insertInto('digital_threads')
    .values({
      id: thread.id,
      channel_id: thread.channelId,
      id_on_external_platform: thread.idOnExternalPlatform,
      interaction_id: thread.interactionId,
      status: thread.status,
      assignment: thread.assignment,
      skill: thread.skill,
      author: JSON.stringify(thread.author),
      tags: JSON.stringify(thread.tags),
      triggered_at: thread.triggeredAt,
      trigger: thread.trigger,
      created_at: thread.createdAt,
      last_message_at: thread.lastMessageAt,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'id_on_external_platform']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

/** Stores a message unless one with its (channel, idOnExternalPlatform) is stored already: whether it did. */
export async function insertMessage(db: Db, message: DigitalMessage, receivedAt: string): Promise<boolean> {
  const result = await db
    .insertInto('digital_messages')
    .values({
      id: message.id,
      channel_id: message.channelId,
      thread_id: message.threadId,
      id_on_external_platform: message.idOnExternalPlatform,
      direction: message.direction,
      text: message.text,
      created_at: message.createdAt,
      received_at: receivedAt,
      author_name: message.authorName,
      agent_id: message.agentId,
      delivery_status: message.delivery?.status ?? null,
      delivery_error: message.delivery?.error ?? null,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'id_on_external_platform']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

/** The thread's last message time moves forward only: a message that arrives late does not move it back. */
export async function touchThread(db: Db, threadId: string, lastMessageAt: string): Promise<void> {
  await db.updateTable('digital_threads').set({ last_message_at: lastMessageAt }).where('id', '=', threadId).where('last_message_at', '<', lastMessageAt).execute();
}

/** The latest `limit` messages of a thread, oldest first (by the time they were written, whatever order they came in). */
export async function latestMessages(db: Db, threadId: string, limit: number): Promise<DigitalMessage[]> {
  const rows = await db.selectFrom('digital_messages').selectAll().where('thread_id', '=', threadId).orderBy('created_at', 'desc').orderBy('id_on_external_platform', 'desc').limit(limit).execute();
  return rows.reverse().map(toMessage);
}

/** How many messages a thread has, and how many of them are outbound (the next reply's id counts them). */
export async function messageCounts(db: Db, threadId: string): Promise<{ total: number; outbound: number }> {
  const row = await db
    .selectFrom('digital_messages')
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.sum<number>(eb.case().when('direction', '=', 'outbound').then(1).else(0).end()).as('outbound')])
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  return { total: Number(row?.total ?? 0), outbound: Number(row?.outbound ?? 0) };
}

/** The channel a thread came on, as the card names it. */
export async function channelOfThread(db: Db, threadId: string): Promise<Pick<DigitalChannel, 'id' | 'kind' | 'name' | 'skill'> | undefined> {
  const row = await db
    .selectFrom('digital_threads as t')
    .innerJoin('digital_channels as c', 'c.id', 't.channel_id')
    .select(['c.id', 'c.kind', 'c.name', 'c.skill'])
    .where('t.id', '=', threadId)
    .executeTakeFirst();
  return row ? { id: row.id, kind: row.kind as DigitalKind, name: row.name, skill: row.skill } : undefined;
}

/**
 * Who owns the thread now: the thread's assignment and its interaction's agent ('' while queued or dismissed),
 * changed only if the thread is still as the caller read it (`from`): two instances never both move one thread.
 */
export async function moveThreadAssignment(
  db: Db,
  thread: Pick<Thread, 'id' | 'interactionId'>,
  from: { assignment: ThreadAssignment; agentId: string },
  to: { assignment: ThreadAssignment; agentId: string; skill?: string | null },
): Promise<boolean> {
  const moved = await db
    .updateTable('digital_threads')
    .set({ assignment: to.assignment, ...(to.skill !== undefined && { skill: to.skill }) })
    .where('id', '=', thread.id)
    .where('assignment', '=', from.assignment)
    .where('status', '!=', 'Closed')
    .where(({ exists, selectFrom }) => exists(selectFrom('interactions').select('id').where('id', '=', thread.interactionId).where('agent_id', '=', from.agentId).where('state', '!=', 'completed')))
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  // A new owner gets a card message of their own: the earlier one is in someone else's chat.
  await db.updateTable('interactions').set({ agent_id: to.agentId, card_activity_id: null }).where('id', '=', thread.interactionId).execute();
  return true;
}

/** Where a page of the queue ends: the next page starts after this thread (created_at, then id). */
export interface QueuePosition {
  createdAt: string;
  id: string;
}

/**
 * Queued threads, oldest first: what the queue's drain routes. `after` pages on from a thread already looked at;
 * `skills` (lower case) keeps only threads that need no skill or one of these, so threads for a skill nobody free
 * has are not even read.
 */
export async function queuedThreads(db: Db, limit: number, options: { after?: QueuePosition; skills?: readonly string[] } = {}): Promise<Thread[]> {
  const { after, skills } = options;
  const rows = await db
    .selectFrom('digital_threads')
    .selectAll()
    .where('assignment', '=', 'queued')
    .where('status', '!=', 'Closed')
    .$if(after !== undefined, (q) => q.where((eb) => eb.or([eb('created_at', '>', after!.createdAt), eb.and([eb('created_at', '=', after!.createdAt), eb('id', '>', after!.id)])])))
    .$if(skills !== undefined, (q) => q.where((eb) => eb.or([eb('skill', 'is', null), ...(skills!.length ? [eb(eb.fn('lower', ['skill']), 'in', skills!)] : [])])))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toThread);
}

export interface RoutingCandidate {
  id: string;
  name: string;
  email: string | null;
  /** Open digital interactions assigned to them now. */
  load: number;
}

/**
 * Available agents, by id, with how many open digital interactions each has: whom a thread may go to. Narrowed in
 * the database, since a big floor has thousands of Available agents and this is asked at every routing and card:
 * `maxLoad`, only those with fewer open conversations; `keys`, only those whose id or email (lower case) is one of
 * these (the agents with a skill); `limit`, the first so many.
 */
export async function routingCandidates(db: Db, options: { maxLoad?: number; keys?: readonly string[]; limit?: number } = {}): Promise<RoutingCandidate[]> {
  const { maxLoad, keys, limit } = options;
  if (keys?.length === 0) return [];
  const rows = await db
    .selectFrom('agents as a')
    .select(['a.id', 'a.name', 'a.email'])
    .select((eb) => openConversations(eb).as('load'))
    .where('a.state', '=', 'Available')
    .$if(maxLoad !== undefined, (q) => q.where((eb) => eb(openConversations(eb), '<', maxLoad!)))
    .$if(keys !== undefined, (q) => q.where((eb) => eb.or([eb(eb.fn('lower', ['a.id']), 'in', keys!), eb(eb.fn('lower', ['a.email']), 'in', keys!)])))
    .orderBy('a.id')
    .$if(limit !== undefined, (q) => q.limit(limit!))
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, email: row.email ?? null, load: Number(row.load ?? 0) }));
}

/** An agent's open digital interactions (the agents row aliased `a`). */
function openConversations(eb: ExpressionBuilder<Database & { a: AgentsTable }, 'a'>) {
  return eb
    .selectFrom('interactions as i')
    .select((inner) => inner.fn.countAll<number>().as('n'))
    .whereRef('i.agent_id', '=', 'a.id')
    .where('i.channel', '!=', 'voice')
    .where('i.state', '!=', 'completed');
}

/** The skills threads are routed by: those of the registered channels, for a transfer to choose from. */
export async function knownSkills(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('digital_channels').select('skill').distinct().where('skill', 'is not', null).orderBy('skill').limit(100).execute();
  return rows.map((row) => row.skill!).filter(Boolean);
}

/** The agent who got the last thread of this skill ('' for threads with none). */
export async function routingCursor(db: Db, skill: string): Promise<string | undefined> {
  const row = await db.selectFrom('digital_routing_cursors').select('agent_id').where('skill', '=', skill).executeTakeFirst();
  return row?.agent_id;
}

export async function moveRoutingCursor(db: Db, skill: string, agentId: string, at: string): Promise<void> {
  await db
    .insertInto('digital_routing_cursors')
    .values({ skill, agent_id: agentId, assigned_at: at })
    .onConflict((oc) => oc.column('skill').doUpdateSet({ agent_id: agentId, assigned_at: at }))
    .execute();
}

/**
 * Routing decisions of every instance, one at a time, until the transaction ends: Postgres takes a
 * transaction-level advisory lock; SQLite's one writer (and Kysely's one connection) serializes them already.
 */
export async function lockRouting(db: Db): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`select pg_advisory_xact_lock(hashtext('digital-thread-routing'))`.execute(db);
}
