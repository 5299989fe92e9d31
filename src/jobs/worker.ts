import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { claimJobs, completeJobs, failJob, type ClaimedJob } from '../store/jobsRepository.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import type { Outcome } from '../workflows/result.js';
import { acwJobPayloadSchema, type AcwJobPayload } from './acwJob.js';

export interface WorkerOptions {
  db: Kysely<Database>;
  engine: WorkflowEngine;
  logger: Logger;
  /** How long a claimed job is reserved; a worker that dies leaves it to be taken again after this. */
  leaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /** Jobs claimed together: one claim and one "done" statement serve them all. */
  batchSize?: number;
  /** Jobs of a batch in flight at once: a cloud CRM is reached over the network, so they overlap. */
  concurrency?: number;
  clock?: () => Date;
  /**
   * Told when jobs end (done, or dead), with a request one of them ran: the card that shows them can update.
   * Once per subject (interaction) per batch, so that a card is re-rendered once, not once per job.
   */
  onJobFinished?: (job: AcwJobPayload) => void;
}

/** Outcomes that a retry cannot change: the job is dead at once, and says why. */
const PERMANENT: ReadonlySet<Outcome> = new Set(['ValidationError', 'InvalidWorkflow', 'NotConfigured']);

/** What running one job came to. */
type Ran = { job: ClaimedJob; end: 'done' | 'retry' | 'dead'; request?: AcwJobPayload };

/**
 * Runs the durable ACW jobs (timeline, memorialization) from the outbox table. Jobs are claimed in batches
 * with a lease, run through the workflow engine a few at a time, then marked done together; a transient
 * failure is retried with backoff. A crash between the CRM write and "done" means the job runs again: the
 * workflows are idempotent per key, so the CRM still gets exactly one write.
 */
export class JobWorker {
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  /** Idle: only drain() runs jobs (tests, scripts); started: it polls and wakes; stopped: it ends its batch. */
  private state: 'idle' | 'started' | 'stopped' = 'idle';

  constructor(private readonly options: WorkerOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.pollMs = options.pollMs ?? 1_000;
    this.batchSize = options.batchSize ?? 32;
    this.concurrency = options.concurrency ?? 16;
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.state = 'started';
    this.wake();
  }

  /** Runs due jobs now (called after a transaction that queued some), instead of waiting for the poll. */
  wake(): void {
    if (this.state !== 'started') return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'job worker loop failed'))
      .finally(() => {
        this.running = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        } else if (this.state === 'started') {
          this.timer = setTimeout(() => this.wake(), this.pollMs);
        }
      });
  }

  /** Stops taking jobs and waits for the batch in hand. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs jobs until none is due. Returns how many ran. Public so tests and scripts can drive it. */
  async drain(): Promise<number> {
    let ran = 0;
    while (this.state !== 'stopped') {
      const now = this.clock();
      const jobs = await claimJobs(this.options.db, now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), this.batchSize);
      if (jobs.length === 0) break;
      await this.runBatch(jobs);
      ran += jobs.length;
      // better-sqlite3 answers synchronously, so without this batch would follow batch in one run of
      // microtasks, and no HTTP request or timer would be served until every job is done.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return ran;
  }

  private async runBatch(jobs: ClaimedJob[]): Promise<void> {
    const ran: Ran[] = [];
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) ran.push(await this.run(jobs[next++]!));
    };
    // Settled, not all: one lane's database error must not lose the successes of the others.
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(this.concurrency, jobs.length) }, lane));
    await completeJobs(this.options.db, ran.filter((r) => r.end === 'done').map((r) => r.job.id), this.clock().toISOString());

    const finished = new Map<string, AcwJobPayload>();
    for (const { job, end, request } of ran) if (end !== 'retry' && request) finished.set(job.subject ?? job.idempotencyKey, request);
    for (const request of finished.values()) this.options.onJobFinished?.(request);
    const failed = lanes.find((lane) => lane.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Runs one job; a failure is written at once, a success with its batch. */
  private async run(job: ClaimedJob): Promise<Ran> {
    const { db, engine, logger } = this.options;
    const about = { jobId: job.id, key: job.idempotencyKey, attempt: job.attempts };
    const parsed = acwJobPayloadSchema.safeParse(job.payload);
    if (!parsed.success) {
      await failJob(db, job.id, `unreadable job payload: ${parsed.error.message}`, null, this.clock().toISOString());
      logger.error(about, 'job dead: unreadable payload');
      return { job, end: 'dead' };
    }
    const result = await engine.execute(parsed.data);
    if (result.outcome === 'Success') {
      logger.info({ ...about, kind: job.kind, ms: result.durationMs }, 'job done');
      return { job, end: 'done', request: parsed.data };
    }
    const now = this.clock();
    const error = `${result.outcome}: ${result.errorArgs?.message ?? 'no detail'}`;
    const retry = !PERMANENT.has(result.outcome) && job.attempts < this.maxAttempts;
    const retryAt = retry ? new Date(now.getTime() + backoffMs(job.attempts)).toISOString() : null;
    await failJob(db, job.id, error, retryAt, now.toISOString());
    if (retry) logger.warn({ ...about, error, retryAt }, 'job failed; will retry');
    else logger.error({ ...about, error }, 'job dead; it needs an admin');
    return { job, end: retry ? 'retry' : 'dead', request: parsed.data };
  }
}

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function backoffMs(attempt: number): number {
  const base = Math.min(300_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
