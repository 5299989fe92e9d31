import { sql } from 'kysely';
import type { Db } from './db.js';
import { preparedQuery } from './preparedQuery.js';

/**
 * The card revisions of migration 018, for instances sharing one PostgreSQL: an interaction's
 * `card_revision` grows with each change announced, and the one instance holding a card message's send lease
 * draws and sends it, then records the revision it drew at (`card_sent_revision`).
 */

/**
 * Bumps the revision of each changed card and NOTIFYs `channel` of each, in one statement (so in one
 * transaction: the other instances hear of a revision only once it is there, and the notifying commit, which
 * PostgreSQL serializes across every session, is taken once for them all). Postgres only. Gives each card's new
 * revision; an interaction that is gone has none. A change that created its interaction keeps revision 0: the
 * card first drawn is that revision, and its post records it as sent (recordCardPost).
 */
export async function announceCardRevisions(
  db: Db,
  announce: { channel: string; origin: string; now: string; changes: Array<{ interactionId: string; agentId: string; created: boolean }> },
): Promise<Map<string, number>> {
  const { channel, origin, now, changes } = announce;
  if (changes.length === 0) return new Map();
  const { rows } = await sql<{ id: string; revision: number }>`
    with changed as (
      select * from unnest(${changes.map((c) => c.interactionId)}::text[], ${changes.map((c) => c.agentId)}::text[], ${changes.map((c) => c.created)}::boolean[])
        as c(interaction_id, agent_id, created)
    ), bumped as (
      update interactions i set
        card_revision = case when c.created then i.card_revision else i.card_revision + 1 end,
        card_changed_at = case when c.created then i.card_changed_at else ${now} end
      from changed c where i.id = c.interaction_id returning i.id, c.agent_id, i.card_revision
    )
    select id, card_revision as revision, pg_notify(${channel}, json_build_object(
      'interactionId', id, 'agentId', agent_id, 'revision', card_revision, 'origin', ${origin}::text)::text) as notified
    from bumped`.execute(db);
  return new Map(rows.map((r) => [r.id, Number(r.revision)]));
}

/**
 * A new card message posted for an interaction, showing its card drawn at `drawnAt` (its card_revision then):
 * the message to update from now on, and what it shows. Gives whether the card changed since it was drawn
 * (its post then missed a change another instance made while it was on its way), and whose it is now.
 */
// Prepared (preparedQuery.ts): every card posted is recorded.
const cardPosted = preparedQuery<{ interactionId: string; messageId: string; drawnAt: number }>()((db, value) =>
  db
    .updateTable('interactions')
    .set({ card_activity_id: value('messageId'), card_sent_revision: value('drawnAt') })
    .where('id', '=', value('interactionId'))
    .returning(['card_revision', 'agent_id']),
);

export async function recordCardPost(db: Db, post: { interactionId: string; messageId: string; drawnAt: number }): Promise<{ changedSince: boolean; agentId: string } | undefined> {
  const row = await cardPosted.first(db, post);
  return row && { changedSince: Number(row.card_revision ?? 0) > post.drawnAt, agentId: row.agent_id };
}

/**
 * Takes up to `limit` card messages left behind: posted, their card changed since the message was last sent, the
 * latest change announced before `changedBefore` (its own instance had that long to send it), no update of
 * theirs under way, and the interaction open or completed since `completedSince` (its ACW writes may still
 * show). Each taken one's `card_changed_at` becomes `now`, so no other instance takes it again within the wait.
 * Postgres only (rows another instance is taking are skipped, not waited for).
 */
export async function takeStaleCards(db: Db, take: { now: string; changedBefore: string; completedSince: string; limit: number }): Promise<Array<{ interactionId: string; agentId: string }>> {
  const { now, changedBefore, completedSince, limit } = take;
  const { rows } = await sql<{ id: string; agent_id: string }>`
    update interactions set card_changed_at = ${now}
    where id in (
      select id from interactions
      where card_revision > card_sent_revision and card_changed_at < ${changedBefore} and card_activity_id is not null
        and (card_sending_until is null or card_sending_until < ${now})
        and (state != 'completed' or completed_at >= ${completedSince})
      order by card_changed_at
      limit ${limit}
      for update skip locked
    )
    returning id, agent_id`.execute(db);
  return rows.map((r) => ({ interactionId: r.id, agentId: r.agent_id }));
}

export type CardSendClaim = { revision: number } | 'held' | 'sent' | 'gone';

/**
 * Takes the lease of an interaction's card message until `until`, if no one holds it (or theirs ran out)
 * and, when `newerThan` is given, if no card drawn at that revision or later was sent. Gives the card's
 * revision as of now (draw the card after this: it then shows every change up to that revision); 'held'
 * when another holds the lease, 'sent' when a card at least that new was sent already.
 */
export async function claimCardSend(db: Db, claim: { interactionId: string; holder: string; now: string; until: string; newerThan?: number }): Promise<CardSendClaim> {
  const { interactionId, holder, now, until, newerThan } = claim;
  const claimed = await db
    .updateTable('interactions')
    .set({ card_sending_by: holder, card_sending_until: until })
    .where('id', '=', interactionId)
    .where((eb) => eb.or([eb('card_sending_until', 'is', null), eb('card_sending_until', '<', now)]))
    .$if(newerThan !== undefined, (qb) => qb.where('card_sent_revision', '<', newerThan!))
    .returning('card_revision')
    .executeTakeFirst();
  if (claimed) return { revision: Number(claimed.card_revision ?? 0) };
  const row = await db.selectFrom('interactions').select('card_sent_revision').where('id', '=', interactionId).executeTakeFirst();
  if (!row) return 'gone';
  return newerThan !== undefined && Number(row.card_sent_revision ?? 0) >= newerThan ? 'sent' : 'held';
}

/** Gives the lease back; `sentRevision`: the revision of the card just sent (the recorded one never goes down). */
export async function releaseCardSend(db: Db, release: { interactionId: string; holder: string; sentRevision?: number }): Promise<void> {
  const { interactionId, holder, sentRevision } = release;
  await db
    .updateTable('interactions')
    .set({
      card_sending_by: null,
      card_sending_until: null,
      ...(sentRevision !== undefined && {
        card_sent_revision: sql<number>`case when card_sent_revision < ${sentRevision} then ${sentRevision} else card_sent_revision end`,
      }),
    })
    .where('id', '=', interactionId)
    .where('card_sending_by', '=', holder)
    .execute();
}

/** Interactions whose card may still change: not completed, or completed since `since` (ACW jobs finishing). */
export async function liveCards(db: Db, since: string): Promise<Array<{ interactionId: string; agentId: string }>> {
  const rows = await db
    .selectFrom('interactions')
    .select(['id', 'agent_id'])
    .where((eb) => eb.or([eb('state', '!=', 'completed'), eb('completed_at', '>=', since)]))
    .execute();
  return rows.map((r) => ({ interactionId: r.id, agentId: r.agent_id }));
}
