import type { RecordRef } from '../domain/crmRecord.js';
import { recordWriteKey } from '../domain/idempotencyKeys.js';

/**
 * An ACW write (timeline or memorialization) as the job outbox keeps it, one column each: the Workflow
 * Execute request it runs, and what it is about (interaction, agent, record), so that nothing has to
 * parse its payload or its key to learn them.
 */
export interface AcwJob {
  kind: 'timeline' | 'memorialization';
  interactionId: string;
  /** The agent it writes for: whose card hears that it ended. */
  agentId: string;
  configurationId: string;
  workflowId: string;
  /** The record it writes. */
  record: RecordRef;
  /** When the interaction ended (or began, if it has not ended), ISO-8601: the order of a record's writes. */
  interactionAt: string;
  /** The workflow's JSON payload ({"workflowInput": ...}), run as is. */
  payload: string;
}

/** The Workflow Execute request a job runs. */
export interface AcwJobRequest {
  configurationId: string;
  workflowId: string;
  payload: string;
}

/** Where a memorialization job writes, and when its interaction was: the order of one record's writes. */
export interface WriteOrder {
  /** The record, in its CRM configuration (see recordWriteKey). */
  recordKey: string;
  /** When the interaction ended (or began, if it has not ended), ISO-8601 UTC. */
  at: string;
}

/**
 * The order of a memorialization job: of two for one record, the one of the later interaction wins,
 * whichever runs first. By the end of the interaction, the time memorialization writes as the last contact,
 * so that the record's last contact never goes back in time. Other jobs (timeline: each writes an activity
 * of its own) are not ordered: undefined.
 */
export function writeOrderOf(job: Pick<AcwJob, 'kind' | 'configurationId' | 'record' | 'interactionAt'>): WriteOrder | undefined {
  if (job.kind !== 'memorialization') return undefined;
  const at = new Date(job.interactionAt);
  if (Number.isNaN(at.getTime())) return undefined;
  // Normalized: ISO text compares as time only in one precision and zone.
  return { recordKey: recordWriteKey(job.configurationId, job.record), at: at.toISOString() };
}
