import type { ExpressionBuilder } from 'kysely';
import type { DeliveryStatus } from '../domain/digital.js';
import type { Db } from './db.js';
import type { Database } from './schema.js';

/*
 * Agents' replies to digital threads (issue 14): an outbound row of digital_messages is both the transcript's
 * line and its own delivery outbox (migration 019): pending → sent/delivered, or failed with why.
 */

export interface NewReply {
  id: string;
  channelId: string;
  threadId: string;
  /** The card's reply id: one message per (channel, id), however often it is clicked. */
  idOnExternalPlatform: string;
  text: string;
  authorName: string;
  agentId: string;
  at: string;
}

/** Stores the reply as pending, due now; false when a reply with that id is already stored (a double click). */
export async function insertReply(db: Db, reply: NewReply): Promise<boolean> {
  const result = await db
    .insertInto('digital_messages')
    .values({
      id: reply.id,
      channel_id: reply.channelId,
      thread_id: reply.threadId,
      id_on_external_platform: reply.idOnExternalPlatform,
      direction: 'outbound',
      text: reply.text,
      created_at: reply.at,
      received_at: reply.at,
      author_name: reply.authorName,
      agent_id: reply.agentId,
      delivery_status: 'pending',
      delivery_error: null,
      attempts: 0,
      next_attempt_at: reply.at,
      lease_until: null,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'id_on_external_platform']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The replies due for an attempt by `now` and held by no worker, oldest first. */
/**
 * Takes up to `limit` due replies for one attempt each, until `leaseUntil`, oldest due first, skipping any a
 * worker holds (another instance, an attempt still in flight): one conditional update, whose conditions are
 * checked again on each row it takes, so two workers never attempt one reply at once.
 */
export async function claimDueReplies(db: Db, now: string, leaseUntil: string, limit: number): Promise<string[]> {
  const claimable = (eb: ExpressionBuilder<Database, 'digital_messages'>) =>
    eb.and([eb('delivery_status', '=', 'pending'), eb('next_attempt_at', '<=', now), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)])]);
  const due = db.selectFrom('digital_messages').select('id').where(claimable).orderBy('next_attempt_at').orderBy('created_at').limit(limit);
  const rows = await db.updateTable('digital_messages').set({ lease_until: leaseUntil }).where('id', 'in', due).where(claimable).returning('id').execute();
  return rows.map((row) => row.id);
}

/** A claimed reply with where it goes: its thread and channel on the platform, and the integration's box. */
export interface ReplyToSend {
  id: string;
  idOnExternalPlatform: string;
  text: string;
  createdAt: string;
  authorName: string;
  agentId: string;
  attempts: number;
  interactionId: string;
  threadIdOnExternalPlatform: string;
  channel: { id: string; idOnExternalPlatform: string; channelIntegrationId: string };
  integration: { id: string; boxUrl: string; authorizationUrl: string | null; outboundClientId: string | null; outboundSecretEnv: string | null };
}

export async function replyToSend(db: Db, id: string): Promise<ReplyToSend | undefined> {
  const row = await db
    .selectFrom('digital_messages as m')
    .innerJoin('digital_threads as t', 't.id', 'm.thread_id')
    .innerJoin('digital_channels as c', 'c.id', 'm.channel_id')
    .innerJoin('digital_integrations as g', 'g.id', 'c.integration_id')
    .select([
      'm.id',
      'm.id_on_external_platform',
      'm.text',
      'm.created_at',
      'm.author_name',
      'm.agent_id',
      'm.attempts',
      'm.channel_id',
      't.interaction_id',
      't.id_on_external_platform as thread_external_id',
      'c.id_on_external_platform as channel_external_id',
      'c.channel_integration_id',
      'g.id as integration_id',
      'g.box_url',
      'g.authorization_url',
      'g.outbound_client_id',
      'g.outbound_secret_env',
    ])
    .where('m.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    idOnExternalPlatform: row.id_on_external_platform,
    text: row.text,
    createdAt: row.created_at,
    authorName: row.author_name,
    agentId: row.agent_id ?? '',
    attempts: row.attempts,
    interactionId: row.interaction_id,
    threadIdOnExternalPlatform: row.thread_external_id,
    channel: { id: row.channel_id, idOnExternalPlatform: row.channel_external_id, channelIntegrationId: row.channel_integration_id },
    integration: {
      id: row.integration_id,
      boxUrl: row.box_url,
      authorizationUrl: row.authorization_url,
      outboundClientId: row.outbound_client_id,
      outboundSecretEnv: row.outbound_secret_env,
    },
  };
}

/**
 * Records an attempt's outcome and lets the reply go (no lease). Only the holder of the lease writes it: a
 * worker whose lease ran out (it was too slow, another took the reply over) changes nothing.
 */
export async function recordReplyAttempt(
  db: Db,
  id: string,
  leaseUntil: string,
  outcome: { status: DeliveryStatus; attempts: number; error: string | null; nextAttemptAt: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('digital_messages')
    .set({ delivery_status: outcome.status, delivery_error: outcome.error, attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt, lease_until: null })
    .where('id', '=', id)
    .where('lease_until', '=', leaseUntil)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A reply's delivery as it stands (tests, and whoever shows it). */
export async function replyDelivery(db: Db, id: string): Promise<{ status: DeliveryStatus; error: string | null; attempts: number } | undefined> {
  const row = await db.selectFrom('digital_messages').select(['delivery_status', 'delivery_error', 'attempts']).where('id', '=', id).executeTakeFirst();
  return row?.delivery_status ? { status: row.delivery_status as DeliveryStatus, error: row.delivery_error, attempts: row.attempts } : undefined;
}

/** The reply stored under a card's reply id, in a channel: what a double click finds. */
export async function replyIdOf(db: Db, channelId: string, idOnExternalPlatform: string): Promise<string | undefined> {
  const row = await db.selectFrom('digital_messages').select('id').where('channel_id', '=', channelId).where('id_on_external_platform', '=', idOnExternalPlatform).executeTakeFirst();
  return row?.id;
}
