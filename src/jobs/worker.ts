import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { claimJob, completeJob, failJob, type ClaimedJob } from '../store/jobsRepository.js';
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
  clock?: () => Date;
  /** Told when a job ends (done, or dead), with the request it ran: the card that shows it can update. */
  onJobFinished?: (job: AcwJobPayload) => void;
}

/** Outcomes that a retry cannot change: the job is dead at once, and says why. */
const PERMANENT: ReadonlySet<Outcome> = new Set(['ValidationError', 'InvalidWorkflow', 'NotConfigured']);

/**
 * Runs the durable ACW jobs (timeline, memorialization) from the outbox table. Each job is claimed with a
 * lease, run through the workflow engine, then marked done; a transient failure is retried with backoff.
 * A crash between the CRM write and "done" means the job runs again: the workflows are idempotent per
 * key, so the CRM still gets exactly one write.
 */
export class JobWorker {
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = true;

  constructor(private readonly options: WorkerOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.pollMs = options.pollMs ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Runs due jobs now (called after a transaction that queued some), instead of waiting for the poll. */
  wake(): void {
    if (this.stopped) return;
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
        } else if (!this.stopped) {
          this.timer = setTimeout(() => this.wake(), this.pollMs);
        }
      });
  }

  /** Stops taking jobs and waits for the one in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs jobs until none is due. Returns how many ran. Public so tests and scripts can drive it. */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      if (this.stopped && ran > 0) return ran;
      const now = this.clock();
      const job = await claimJob(this.options.db, now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString());
      if (!job) return ran;
      await this.run(job);
      ran++;
    }
  }

  private async run(job: ClaimedJob): Promise<void> {
    const { db, engine, logger } = this.options;
    const log = logger.child({ jobId: job.id, key: job.idempotencyKey, attempt: job.attempts });
    const parsed = acwJobPayloadSchema.safeParse(job.payload);
    if (!parsed.success) {
      await failJob(db, job.id, `unreadable job payload: ${parsed.error.message}`, null, this.clock().toISOString());
      log.error('job dead: unreadable payload');
      return;
    }
    const result = await engine.execute(parsed.data);
    const now = this.clock();
    if (result.outcome === 'Success') {
      await completeJob(db, job.id, now.toISOString());
      log.info({ kind: job.kind, ms: result.durationMs }, 'job done');
      this.options.onJobFinished?.(parsed.data);
      return;
    }
    const error = `${result.outcome}: ${result.errorArgs?.message ?? 'no detail'}`;
    const retry = !PERMANENT.has(result.outcome) && job.attempts < this.maxAttempts;
    const retryAt = retry ? new Date(now.getTime() + backoffMs(job.attempts)).toISOString() : null;
    await failJob(db, job.id, error, retryAt, now.toISOString());
    if (retry) log.warn({ error, retryAt }, 'job failed; will retry');
    else {
      log.error({ error }, 'job dead; it needs an admin');
      this.options.onJobFinished?.(parsed.data);
    }
  }
}

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function backoffMs(attempt: number): number {
  const base = Math.min(300_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
