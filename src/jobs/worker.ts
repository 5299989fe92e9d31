import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { claimJobs, completeJobs, failJob, ownersOfSubjects, renewLeases, supersedeJob, type ClaimedJob } from '../store/jobsRepository.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import type { Outcome } from '../workflows/result.js';
import type { AcwJobRequest } from './acwJob.js';
import { PollingLoop } from './pollingLoop.js';
import { backoffMs } from '../http/backoff.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  engine: WorkflowEngine;
  logger: Logger;
  /**
   * How long a claim holds its jobs without news of its worker: a worker that dies leaves them to be taken
   * over after at most this. Short, because a live worker renews it (heartbeatMs) for as long as a job runs.
   */
  leaseMs?: number;
  /** How often a worker renews the lease of the jobs it runs; well under leaseMs, so a slow job keeps its own. */
  heartbeatMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /** Jobs claimed together: one claim and one "done" statement serve them all. */
  batchSize?: number;
  /** Jobs of a batch in flight at once: a cloud CRM is reached over the network, so they overlap. */
  concurrency?: number;
  clock?: () => Date;
  /**
   * Told when jobs end (done, or dead), with the interaction and the agent who has it now (read once per
   * batch; the agent the job wrote for if it is gone): the card that shows them can update. Once per
   * interaction per batch, so that a card is re-rendered once, not once per job.
   */
  onJobFinished?: (job: FinishedJob) => void;
}

/** Whose card shows a job that ended. */
export interface FinishedJob {
  interactionId: string;
  /** Who has the interaction now: a conversation may have moved to another agent since its jobs were queued. */
  agentId: string;
}

/** Outcomes that a retry cannot change: the job is dead at once, and says why. */
const PERMANENT: ReadonlySet<Outcome> = new Set(['ValidationError', 'InvalidWorkflow', 'NotConfigured']);

/** What running one job came to. superseded: a newer interaction's memorialization of its record is done. */
type Ran = { job: ClaimedJob; end: 'done' | 'retry' | 'dead' | 'superseded'; request?: AcwJobRequest };

export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_HEARTBEAT_MS = 3_000;

/**
 * Runs the durable ACW jobs (timeline, memorialization) from the outbox table. Jobs are claimed in batches
 * with a lease, run through the workflow engine a few at a time, then marked done together; a transient
 * failure is retried with backoff. A crash between the CRM write and "done" means the job runs again: the
 * workflows are idempotent per key, so the CRM still gets exactly one write.
 *
 * Each claim has an owner token, and its lease is short and renewed while the batch runs (a heartbeat): a
 * dead worker's jobs are taken over within a lease, a slow live one's never, and a worker whose lease ran
 * out (paused, cut off) ends none of the jobs that another now owns. Memorializations of one record run
 * one at a time (the claim sees to it), and one older than a memorialization of its record already done is
 * ended as superseded without writing, whatever order they ran in, on every CRM alike.
 */
export class JobWorker {
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly clock: () => Date;
  /** Idle: only drain() runs (tests, scripts); started: it polls and wakes; stopped: drain ends its batch. */
  private readonly loop: PollingLoop;

  constructor(private readonly options: WorkerOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (!(this.heartbeatMs > 0 && this.heartbeatMs < this.leaseMs)) {
      throw new Error(`job heartbeat (${this.heartbeatMs} ms) must be more than 0 and less than the lease (${this.leaseMs} ms)`);
    }
    this.maxAttempts = options.maxAttempts ?? 8;
    this.pollMs = options.pollMs ?? 1_000;
    this.batchSize = options.batchSize ?? 32;
    this.concurrency = options.concurrency ?? 16;
    this.clock = options.clock ?? (() => new Date());
    this.loop = new PollingLoop({ run: () => this.drain(), pollMs: this.pollMs, onError: (error) => options.logger.error({ err: error }, 'job worker loop failed') });
  }

  start(): void {
    this.loop.start();
  }

  /** Runs due jobs now (called after a transaction that queued some), instead of waiting for the poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops taking jobs and waits for the batch in hand. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Runs jobs until none is due. Returns how many ran. Public so tests and scripts can drive it. */
  async drain(): Promise<number> {
    let ran = 0;
    while (!this.loop.stopped) {
      const now = this.clock();
      const owner = randomUUID();
      const jobs = await claimJobs(this.options.db, now.toISOString(), this.leaseFrom(now), this.batchSize, owner);
      if (jobs.length === 0) break;
      await this.runBatch(jobs, owner);
      ran += jobs.length;
      // better-sqlite3 answers synchronously, so without this batch would follow batch in one run of
      // microtasks, and no HTTP request or timer would be served until every job is done.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return ran;
  }

  private leaseFrom(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  private async runBatch(jobs: ClaimedJob[], owner: string): Promise<void> {
    const heartbeat = this.heartbeat(owner);
    const ran: Ran[] = [];
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) ran.push(await this.run(jobs[next++]!, owner));
    };
    try {
      // Settled, not all: one lane's database error must not lose the successes of the others.
      const lanes = await Promise.allSettled(Array.from({ length: Math.min(this.concurrency, jobs.length) }, lane));
      const done = ran.filter((r) => r.end === 'done').map((r) => r.job.id);
      const completed = await completeJobs(this.options.db, done, this.clock().toISOString(), owner);
      if (completed < done.length) {
        this.options.logger.warn({ jobs: done.length - completed }, 'jobs ran after their lease was lost: their new owner ends them');
      }

      await this.tellFinished(ran);
      const failed = lanes.find((lane) => lane.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      heartbeat.stop();
    }
  }

  /** Tells onJobFinished of each interaction whose jobs ended, with who has it now: one read for the batch. */
  private async tellFinished(ran: Ran[]): Promise<void> {
    const { onJobFinished, db, logger } = this.options;
    if (!onJobFinished) return;
    const queuedFor = new Map<string, string>();
    for (const { job, end, request } of ran) {
      if (end !== 'retry' && request && job.subject !== null && job.agentId !== null) queuedFor.set(job.subject, job.agentId);
    }
    if (queuedFor.size === 0) return;
    const owners = await ownersOfSubjects(db, [...queuedFor.keys()]).catch((error: unknown) => {
      logger.warn({ err: error }, 'who has the interactions now was not read: their cards are told as queued');
      return new Map<string, string>();
    });
    for (const [interactionId, agentId] of queuedFor) onJobFinished({ interactionId, agentId: owners.get(interactionId) || agentId });
  }

  /**
   * Renews the claim's lease every heartbeatMs until stopped. Jobs it no longer holds (taken over after a
   * pause longer than the lease) are simply not renewed: their new owner runs and ends them.
   */
  private heartbeat(owner: string): { stop(): void } {
    const { db, logger } = this.options;
    const timer = setInterval(() => {
      renewLeases(db, owner, this.leaseFrom(this.clock())).catch((error: unknown) => logger.warn({ err: error }, 'job lease renewal failed; the lease runs out unless a later one succeeds'));
    }, this.heartbeatMs);
    return { stop: () => clearInterval(timer) };
  }

  /** Runs one job; a failure is written at once, a success with its batch. */
  private async run(job: ClaimedJob, owner: string): Promise<Ran> {
    const { db, engine, logger } = this.options;
    const about = { jobId: job.id, key: job.idempotencyKey, attempt: job.attempts };
    const { request } = job;
    if (!request) {
      await failJob(db, job.id, 'unreadable job payload: it names no configuration and workflow', null, this.clock().toISOString(), owner);
      logger.error(about, 'job dead: unreadable payload');
      return { job, end: 'dead' };
    }
    // No other memorialization of this record runs now (the claim saw to it), and one done stays done: a
    // newer interaction's found by the claim has written its fields, which this job's would overwrite with older ones.
    if (job.newerWriteDone) {
      await supersedeJob(db, job.id, this.clock().toISOString(), owner);
      logger.info({ ...about, kind: job.kind }, 'job superseded: a later interaction already wrote this record');
      return { job, end: 'superseded', request };
    }
    const result = await engine.execute(request);
    if (result.outcome === 'Success') {
      logger.info({ ...about, kind: job.kind, ms: result.durationMs }, 'job done');
      return { job, end: 'done', request };
    }
    const now = this.clock();
    const error = `${result.outcome}: ${result.errorArgs?.message ?? 'no detail'}`;
    const retry = !PERMANENT.has(result.outcome) && job.attempts < this.maxAttempts;
    const retryAt = retry ? new Date(now.getTime() + backoffMs(job.attempts - 1, JOB_BACKOFF)).toISOString() : null;
    await failJob(db, job.id, error, retryAt, now.toISOString(), owner);
    if (retry) logger.warn({ ...about, error, retryAt }, 'job failed; will retry');
    else logger.error({ ...about, error }, 'job dead; it needs an admin');
    return { job, end: retry ? 'retry' : 'dead', request };
  }
}

/** A failed job's retries: about 1 s, 2 s, 4 s … capped at 5 minutes. */
const JOB_BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 300_000 };
