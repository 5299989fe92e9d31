import type { ExpressionBuilder } from 'kysely';
import type { Db } from './db.js';
import type { Database } from './schema.js';

export interface NewJob {
  kind: string;
  idempotencyKey: string;
  /** What the job is about (an interaction's id): its jobs are listed by it. */
  subject: string;
  payload: unknown;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  idempotencyKey: string;
  subject: string | null;
  payload: unknown;
  attempts: number;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

/** Rows per INSERT: well under the bound parameters either database takes in one statement. */
const INSERT_CHUNK = 500;

/**
 * Adds jobs inside the caller's transaction (the outbox): they exist if and only if the state change that
 * caused them committed. A key already queued is skipped, so re-enqueueing never makes a second job.
 */
export async function enqueueJobs(db: Db, jobs: NewJob[], now: string): Promise<number> {
  let added = 0;
  for (let start = 0; start < jobs.length; start += INSERT_CHUNK) {
    const result = await db
      .insertInto('jobs')
      .values(
        jobs.slice(start, start + INSERT_CHUNK).map((job) => ({
          kind: job.kind,
          idempotency_key: job.idempotencyKey,
          subject: job.subject,
          payload: JSON.stringify(job.payload),
          status: 'pending',
          attempts: 0,
          run_after: now,
          lease_until: null,
          last_error: null,
          created_at: now,
          finished_at: null,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Pending and due, or running with an expired lease (its worker died). */
function runnable(now: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.or([
      eb.and([eb('status', '=', 'pending'), eb('run_after', '<=', now)]),
      eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
    ]);
}

/**
 * Takes up to `limit` runnable jobs, leased until `leaseUntil`: jobs whose worker died first, then the
 * longest due. Each half is read in order from the (status, run_after) index, never by sorting every
 * runnable row. The state test is repeated in the UPDATE so two workers racing for a job cannot both take it.
 */
export async function claimJobs(db: Db, now: string, leaseUntil: string, limit: number): Promise<ClaimedJob[]> {
  const expired = await db.selectFrom('jobs').select('id').where('status', '=', 'running').where('lease_until', '<', now).limit(limit).execute();
  const due =
    expired.length < limit
      ? await db
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'pending')
          .where('run_after', '<=', now)
          .orderBy('run_after')
          .limit(limit - expired.length)
          .execute()
      : [];
  const ids = [...expired, ...due].map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .where(runnable(now))
    .returning(['id', 'kind', 'idempotency_key', 'subject', 'payload', 'attempts'])
    .execute();
  // Another worker took every one of them between the two statements: look again.
  if (rows.length === 0) return claimJobs(db, now, leaseUntil, limit);
  return rows
    .map((row) => ({ id: row.id, kind: row.kind, idempotencyKey: row.idempotency_key, subject: row.subject, payload: JSON.parse(row.payload), attempts: row.attempts }))
    .sort((a, b) => a.id - b.id);
}

/** Marks jobs done, in one statement however many there are. */
export async function completeJobs(db: Db, ids: number[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ status: 'done', finished_at: now, lease_until: null, last_error: null }).where('id', 'in', ids).execute();
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

/** The jobs about one subject (an interaction), oldest first. */
export async function jobsOfSubject(
  db: Db,
  subject: string,
): Promise<Array<{ kind: string; idempotencyKey: string; status: JobStatus; attempts: number; lastError: string | null }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', 'idempotency_key', 'status', 'attempts', 'last_error'])
    .where('subject', '=', subject)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, idempotencyKey: r.idempotency_key, status: r.status as JobStatus, attempts: r.attempts, lastError: r.last_error }));
}
