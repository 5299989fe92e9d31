import { SqliteAdapter, sql } from 'kysely';
import type { StateLogEntry } from '../domain/wfm.js';
import type { Db } from './db.js';
import { toStateLogEntry } from './wfmLogRepository.js';

/**
 * The supervisors' adherence alerts (wfm_alerts, migration 022) and what the alert loop reads of the state log.
 */

export type AlertClaim = 'claimed' | 'alreadySent' | 'overLimit';

/**
 * Claims the right to send one alert: its row (agent, kind, episode start) goes in first, unless the episode
 * was alerted already or `maxPerHour` alerts went out in the hour before `now`. Every instance claims one at a
 * time (Postgres: a transaction-level advisory lock; SQLite: the insert comes first, so the transaction holds
 * the one writer's lock from its first statement), so two loops never both send one episode and never pass
 * the hourly limit together. Run it in a transaction.
 */
export async function claimAlert(db: Db, alert: { agentId: string; kind: string; episodeStartedAt: string }, now: Date, maxPerHour: number): Promise<AlertClaim> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) await sql`select pg_advisory_xact_lock(hashtext('wfm-adherence-alerts'))`.execute(db);
  const inserted = await db
    .insertInto('wfm_alerts')
    .values({ agent_id: alert.agentId, kind: alert.kind, episode_started_at: alert.episodeStartedAt, sent_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['agent_id', 'kind', 'episode_started_at']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return 'alreadySent';
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const { count } = await db
    .selectFrom('wfm_alerts')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('sent_at', '>', hourAgo)
    .executeTakeFirstOrThrow();
  // The count includes the row just claimed: over the limit, it goes again and nothing is sent.
  if (Number(count) <= maxPerHour) return 'claimed';
  await db.deleteFrom('wfm_alerts').where('agent_id', '=', alert.agentId).where('kind', '=', alert.kind).where('episode_started_at', '=', alert.episodeStartedAt).execute();
  return 'overLimit';
}

/** One agent's state entries that matter for [from, to): the last one before `from` and every one in it, by time. */
export async function statesOfAgent(db: Db, agentId: string, from: string, to: string): Promise<StateLogEntry[]> {
  const before = db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', agentId).where('started_at', '<', from).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1);
  const within = db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', agentId).where('started_at', '>=', from).where('started_at', '<', to).orderBy('started_at').orderBy('id');
  const rows = [...(await before.execute()), ...(await within.execute())];
  return rows.map(toStateLogEntry);
}
