import { DEMO } from '../../src/crm/embedded/demoSeed.js';

export interface JobOptions {
  /** The contact it writes (Maria by default). */
  recordId?: string;
  /** When the interaction ended: the order of memorializations of one record. */
  endedAt?: string;
  agentName?: string;
  disposition?: string;
}

/** A timeline job of an interaction, as acwJobsFor queues it (demo configuration's workflows). */
export function timelineJob(interactionId: string, options: JobOptions = {}) {
  const recordId = options.recordId ?? DEMO.maria.id;
  const workflowInput = {
    regarding: { entity: 'contact', id: recordId },
    interaction: {
      id: interactionId,
      ani: '+12065550142',
      channel: 'voice',
      startedAt: '2026-11-22T10:00:00.000Z',
      endedAt: options.endedAt ?? '2026-11-22T10:04:05.000Z',
      durationSeconds: 245,
      disposition: options.disposition ?? 'Resolved',
      notes: 'Shipped replacement',
    },
    agent: { id: 'agent-1', name: options.agentName ?? 'Ana Agent' },
  };
  return {
    kind: 'timeline' as const,
    interactionId,
    agentId: 'agent-1',
    configurationId: 'demo',
    workflowId: 'timeline',
    record: { type: 'contact', id: recordId },
    interactionAt: workflowInput.interaction.endedAt,
    payload: JSON.stringify({ workflowInput }),
  };
}

/** The same interaction's memorialization job: it writes fields of the record, not an activity. */
export function memorializationJob(interactionId: string, options: JobOptions = {}) {
  return { ...timelineJob(interactionId, options), kind: 'memorialization' as const, workflowId: 'memorialize' };
}

/** A job as the jobs table held it before migration 017: its request wrapped in the payload, with its key. */
export function oldFormatRow(job: ReturnType<typeof timelineJob> | ReturnType<typeof memorializationJob>) {
  return {
    kind: job.kind,
    idempotencyKey: `${job.interactionId}:${job.workflowId}:${job.record.type}:${job.record.id}`,
    subject: job.interactionId,
    payload: { configurationId: job.configurationId, workflowId: job.workflowId, payload: job.payload },
  };
}
