import { PostgresAdapter, type ExpressionBuilder } from 'kysely';
import { acwJobKey } from '../domain/idempotencyKeys.js';
import { writeOrderOf, type AcwJob, type AcwJobRequest } from '../jobs/acwJob.js';
import type { Db } from './db.js';
import { preparedQuery, preparedShapes, type Values } from './preparedQuery.js';
import type { Database } from './schema.js';

/** A job to queue: its key is built from what it is (see acwJobKey), never given. */
export type NewJob = AcwJob;

export interface ClaimedJob {
  id: number;
  kind: string;
  idempotencyKey: string;
  /** The interaction it is about (null for rows queued before jobs had subjects). */
  subject: string | null;
  /** What it runs; undefined for an old row whose payload could not be read (it ends dead, as unreadable). */
  request: AcwJobRequest | undefined;
  /** The agent it writes for (null for an old row that did not say). */
  agentId: string | null;
  attempts: number;
  /** The record a memorialization writes, and its interaction's time (null for jobs not ordered). */
  recordKey: string | null;
  interactionAt: string | null;
  /**
   * A memorialization of its record, of a later interaction, was done when it was claimed: it must write nothing
   * (its fields would overwrite newer ones). Read with the claim: no other job of the record runs until it ends,
   * so the answer holds until it runs.
   */
  newerWriteDone: boolean;
}

/** superseded: a memorialization that wrote nothing, because a later interaction's was written already. */
const JOB_STATUSES = ['pending', 'running', 'done', 'dead', 'superseded'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

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
        jobs.slice(start, start + INSERT_CHUNK).map((job) => {
          // A memorialization carries its record and its interaction's time: the order of a record's writes.
          const order = writeOrderOf(job);
          return {
            kind: job.kind,
            idempotency_key: acwJobKey(job.interactionId, job.workflowId, job.record),
            subject: job.interactionId,
            payload: job.payload,
            configuration_id: job.configurationId,
            workflow_id: job.workflowId,
            record_type: job.record.type,
            record_id: job.record.id,
            agent_id: job.agentId,
            status: 'pending',
            attempts: 0,
            run_after: now,
            lease_until: null,
            last_error: null,
            created_at: now,
            finished_at: null,
            record_key: order?.recordKey ?? null,
            interaction_at: order?.at ?? null,
          };
        }),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Pending and due, or running with an expired lease (its worker died). */
function runnable(now: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) => eb.or([eb.and([eb('status', '=', 'pending'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)])]);
}

/** Not ordered, or no other job of its record is running (a dead worker's too: it is taken over first). */
function recordFree(eb: ExpressionBuilder<Database, 'jobs'>) {
  return eb.or([
    eb('jobs.record_key', 'is', null),
    eb.not(
      eb.exists(eb.selectFrom('jobs as other').select('other.id').whereRef('other.record_key', '=', 'jobs.record_key').where('other.status', '=', 'running').whereRef('other.id', '<>', 'jobs.id')),
    ),
  ]);
}

/**
 * Whether a memorialization of the job's record, of a later interaction, is done (false for a job not ordered):
 * part of the claim, not a statement per job.
 */
function newerWriteOfRecordDone(eb: ExpressionBuilder<Database, 'jobs'>) {
  return eb
    .exists(
      eb.selectFrom('jobs as done').select('done.id').whereRef('done.record_key', '=', 'jobs.record_key').whereRef('done.interaction_at', '>', 'jobs.interaction_at').where('done.status', '=', 'done'),
    )
    .as('newer_write_done');
}

/** Claims that lost a race for a record to another worker's claim (the one-running-per-record index). */
function isRecordTaken(error: unknown): boolean {
  const message = String((error as Error)?.message ?? '');
  return message.includes('jobs_one_running_per_record') || message.includes('jobs.record_key');
}

/** Times a claim is tried again after losing every job it chose to other workers. */
const CLAIM_TRIES = 8;

/**
 * Takes up to `limit` runnable jobs for `owner` (one worker's claim), leased until `leaseUntil`: jobs whose
 * worker died first, then the longest due. Each half is read in order from the (status, run_after) index,
 * never by sorting every runnable row. The state test is repeated in the UPDATE so two workers racing for a
 * job cannot both take it. Of a record's memorializations, one runs at a time: a claim skips the jobs of a
 * record that has one running and takes one per record; the unique index on running records settles two
 * claims that race for one record (the later fails, and looks again).
 */
export async function claimJobs(db: Db, now: string, leaseUntil: string, limit: number, owner: string): Promise<ClaimedJob[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await claimOnce(db, now, leaseUntil, limit, owner);
      // undefined: another worker took every one of them between the two statements: look again.
      if (rows) return rows;
    } catch (error) {
      if (!isRecordTaken(error) || attempt >= CLAIM_TRIES) throw error;
    }
    if (attempt >= CLAIM_TRIES) return [];
  }
}

async function claimOnce(db: Db, now: string, leaseUntil: string, limit: number, owner: string): Promise<ClaimedJob[] | undefined> {
  // On PostgreSQL the rows a claim chooses stay locked until it has taken them, and other workers' claims pass
  // over them (SKIP LOCKED): several instances no longer all choose the same oldest jobs, wait for the first
  // claim's commit, and find them taken.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return db.isTransaction ? claimChosen(db, now, leaseUntil, limit, owner, true) : db.transaction().execute((trx) => claimChosen(trx, now, leaseUntil, limit, owner, true));
  }
  return claimChosen(db, now, leaseUntil, limit, owner, false);
}

async function claimChosen(db: Db, now: string, leaseUntil: string, limit: number, owner: string, skipLocked: boolean): Promise<ClaimedJob[] | undefined> {
  const expired = await (skipLocked ? expiredLocking : expiredJobs).rows(db, { now, limit });
  const due = expired.length < limit ? await (skipLocked ? dueLocking : dueJobs).rows(db, { now, limit: limit - expired.length }) : [];
  const records = new Set<string>();
  const ids = [...expired, ...due].filter(({ record_key: record }) => record === null || (!records.has(record) && records.add(record))).map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await claimUpdate(ids.length).rows(db, { ids, now, leaseUntil, owner });
  if (rows.length === 0) return undefined;
  return rows
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      idempotencyKey: row.idempotency_key,
      subject: row.subject,
      request: row.configuration_id !== null && row.workflow_id !== null ? { configurationId: row.configuration_id, workflowId: row.workflow_id, payload: row.payload } : undefined,
      agentId: row.agent_id,
      attempts: row.attempts,
      recordKey: row.record_key,
      interactionAt: row.interaction_at,
      // SQLite answers 0 or 1, PostgreSQL a boolean.
      newerWriteDone: Boolean(row.newer_write_done),
    }))
    .sort((a, b) => a.id - b.id);
}

// Prepared (preparedQuery.ts): every batch of the job worker runs them. The locking variants are PostgreSQL's.
const expiredQuery = (db: Db, value: Values<{ now: string; limit: number }>) =>
  db.selectFrom('jobs').select(['id', 'record_key']).where('status', '=', 'running').where('lease_until', '<', value('now')).limit(value('limit'));
const expiredJobs = preparedQuery<{ now: string; limit: number }>()(expiredQuery);
const expiredLocking = preparedQuery<{ now: string; limit: number }>()((db, value) => expiredQuery(db, value).forUpdate().skipLocked());

const dueQuery = (db: Db, value: Values<{ now: string; limit: number }>) =>
  db.selectFrom('jobs').select(['id', 'record_key']).where('status', '=', 'pending').where('run_after', '<=', value('now')).where(recordFree).orderBy('run_after').limit(value('limit'));
const dueJobs = preparedQuery<{ now: string; limit: number }>()(dueQuery);
const dueLocking = preparedQuery<{ now: string; limit: number }>()((db, value) => dueQuery(db, value).forUpdate().skipLocked());

// One per number of jobs claimed at once (at most the worker's batch).
const claimUpdate = preparedShapes(String, (count: number) =>
  preparedQuery<{ ids: number[]; now: string; leaseUntil: string; owner: string }>()((db, value) =>
    db
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', lease_until: value('leaseUntil'), lease_owner: value('owner'), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', value.list('ids', count))
      .where(runnable(value('now')))
      .where(recordFree)
      .returning(['id', 'kind', 'idempotency_key', 'subject', 'payload', 'configuration_id', 'workflow_id', 'agent_id', 'attempts', 'record_key', 'interaction_at'])
      .returning(newerWriteOfRecordDone),
  ),
);

/** Extends the lease of the jobs `owner` still holds; returns their ids (a job not among them was taken over). */
export async function renewLeases(db: Db, owner: string, leaseUntil: string): Promise<number[]> {
  const rows = await db.updateTable('jobs').set({ lease_until: leaseUntil }).where('lease_owner', '=', owner).where('status', '=', 'running').returning('id').execute();
  return rows.map((r) => r.id);
}

/** The jobs of `ids` that `owner` still holds: a worker that lost its lease ends nothing another now runs. */
function heldBy(owner: string, ids: number[]) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) => eb.and([eb('id', 'in', ids), eb('lease_owner', '=', owner), eb('status', '=', 'running')]);
}

/** Marks jobs done, in one statement however many there are. Returns how many were still `owner`'s. */
export async function completeJobs(db: Db, ids: number[], now: string, owner: string): Promise<number> {
  if (ids.length === 0) return 0;
  return jobsDone(ids.length).changed(db, { ids, now, owner });
}

const jobsDone = preparedShapes(String, (count: number) =>
  preparedQuery<{ ids: number[]; now: string; owner: string }>()((db, value) =>
    db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: value('now'), lease_until: null, last_error: null })
      .where(heldBy(value('owner'), value.list('ids', count))),
  ),
);

/** Puts a failed job back for a later try, or marks it dead when it must not be tried again. */
export async function failJob(db: Db, id: number, error: string, retryAt: string | null, now: string, owner: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set(retryAt ? { status: 'pending', run_after: retryAt, lease_until: null, last_error: error } : { status: 'dead', finished_at: now, lease_until: null, last_error: error })
    .where(heldBy(owner, [id]))
    .execute();
}

/** Ends a memorialization that a later interaction's made needless: nothing of it was written. */
export async function supersedeJob(db: Db, id: number, now: string, owner: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'superseded', finished_at: now, lease_until: null, last_error: null })
    .where(heldBy(owner, [id]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Who has each of these interactions now (id → agent id), in one statement: the cards to tell when a batch of
 * their jobs ends (a conversation may have moved to another agent since its jobs were queued).
 */
export async function ownersOfSubjects(db: Db, subjects: string[]): Promise<Map<string, string>> {
  if (subjects.length === 0) return new Map();
  const rows = await ownersOf(subjects.length).rows(db, { subjects });
  return new Map(rows.map((r) => [r.id, r.agent_id]));
}

// One per number of interactions a batch of jobs ended (at most the worker's batch).
const ownersOf = preparedShapes(String, (count: number) =>
  preparedQuery<{ subjects: string[] }>()((db, value) => db.selectFrom('interactions').select(['id', 'agent_id']).where('id', 'in', value.list('subjects', count))),
);

/** How one job of an interaction stands, with the record it writes (null: an old row that did not say). */
export interface JobOfSubject {
  kind: string;
  idempotencyKey: string;
  record: { type: string; id: string } | null;
  status: JobStatus;
  attempts: number;
  lastError: string | null;
}

// Prepared (preparedQuery.ts): a completed interaction's card reads its jobs each time it is drawn.
const jobsBySubject = preparedQuery<{ subject: string }>()((db, value) =>
  db.selectFrom('jobs').select(['kind', 'idempotency_key', 'record_type', 'record_id', 'status', 'attempts', 'last_error']).where('subject', '=', value('subject')).orderBy('id'),
);

/** The jobs about one subject (an interaction), oldest first. */
export async function jobsOfSubject(db: Db, subject: string): Promise<JobOfSubject[]> {
  const rows = await jobsBySubject.rows(db, { subject });
  return rows.map((r) => ({
    kind: r.kind,
    idempotencyKey: r.idempotency_key,
    record: r.record_type !== null && r.record_id !== null ? { type: r.record_type, id: r.record_id } : null,
    status: jobStatusOf(r.status),
    attempts: r.attempts,
    lastError: r.last_error,
  }));
}

function jobStatusOf(text: string): JobStatus {
  const status = JOB_STATUSES.find((s) => s === text);
  if (!status) throw new Error(`job status "${text}" is none of ${JOB_STATUSES.join(', ')}`);
  return status;
}
