import { sql } from 'kysely';
import type { Db } from './db.js';

export interface NewJob {
  kind: string;
  idempotencyKey: string;
  payload: unknown;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  idempotencyKey: string;
  payload: unknown;
  attempts: number;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

/**
 * Adds jobs inside the caller's transaction (the outbox): they exist if and only if the state change that
 * caused them committed. A key already queued is skipped, so re-enqueueing never makes a second job.
 */
export async function enqueueJobs(db: Db, jobs: NewJob[], now: string): Promise<number> {
  let added = 0;
  for (const job of jobs) {
    const result = await db
      .insertInto('jobs')
      .values({
        kind: job.kind,
        idempotency_key: job.idempotencyKey,
        payload: JSON.stringify(job.payload),
        status: 'pending',
        attempts: 0,
        run_after: now,
        lease_until: null,
        last_error: null,
        created_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/**
 * Takes the oldest runnable job: pending and due, or running with an expired lease (its worker died).
 * The state test is repeated in the UPDATE so two workers racing for one job cannot both take it.
 */
export async function claimJob(db: Db, now: string, leaseUntil: string): Promise<ClaimedJob | undefined> {
  const runnable = sql<boolean>`((status = 'pending' and run_after <= ${now}) or (status = 'running' and lease_until < ${now}))`;
  const next = await db.selectFrom('jobs').select('id').where(runnable).orderBy('id').limit(1).executeTakeFirst();
  if (!next) return undefined;
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', next.id)
    .where(runnable)
    .returning(['id', 'kind', 'idempotency_key', 'payload', 'attempts'])
    .executeTakeFirst();
  if (!row) return claimJob(db, now, leaseUntil);
  return { id: row.id, kind: row.kind, idempotencyKey: row.idempotency_key, payload: JSON.parse(row.payload), attempts: row.attempts };
}

export async function completeJob(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done', finished_at: now, lease_until: null, last_error: null }).where('id', '=', id).execute();
}

/** Puts a failed job back for a later try, or marks it dead when it must not be tried again. */
export async function failJob(db: Db, id: number, error: string, retryAt: string | null, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set(
      retryAt
        ? { status: 'pending', run_after: retryAt, lease_until: null, last_error: error }
        : { status: 'dead', finished_at: now, lease_until: null, last_error: error },
    )
    .where('id', '=', id)
    .execute();
}

export async function jobsByPrefix(
  db: Db,
  keyPrefix: string,
): Promise<Array<{ kind: string; idempotencyKey: string; status: JobStatus; attempts: number; lastError: string | null }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', 'idempotency_key', 'status', 'attempts', 'last_error'])
    // substr, not LIKE: no wildcard escaping rules to differ between SQLite and Postgres.
    .where(sql<string>`substr(idempotency_key, 1, ${keyPrefix.length})`, '=', keyPrefix)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, idempotencyKey: r.idempotency_key, status: r.status as JobStatus, attempts: r.attempts, lastError: r.last_error }));
}
