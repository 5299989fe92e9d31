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
    kind: 'timeline',
    idempotencyKey: `${interactionId}:timeline:contact:${recordId}`,
    subject: interactionId,
    payload: { configurationId: 'demo', workflowId: 'timeline', payload: JSON.stringify({ workflowInput }) },
  };
}

/** The same interaction's memorialization job: it writes fields of the record, not an activity. */
export function memorializationJob(interactionId: string, options: JobOptions = {}) {
  const job = timelineJob(interactionId, options);
  return {
    ...job,
    kind: 'memorialization',
    idempotencyKey: `${interactionId}:memorialize:contact:${options.recordId ?? DEMO.maria.id}`,
    payload: { ...job.payload, workflowId: 'memorialize' },
  };
}
