import { z } from 'zod';
import { acwInputSchema } from '../workflows/interactionData.js';

/** What an ACW job carries: one Workflow Execute request, run as is by the worker. */
export const acwJobPayloadSchema = z.object({
  configurationId: z.string(),
  workflowId: z.string(),
  payload: z.string(),
});
export type AcwJobPayload = z.infer<typeof acwJobPayloadSchema>;

/** The interaction and agent an ACW job writes for, read from its workflow input. */
export function interactionOfJob(job: AcwJobPayload): { interactionId: string; agentId: string } | undefined {
  try {
    const input = (JSON.parse(job.payload) as { workflowInput?: { interaction?: { id?: unknown }; agent?: { id?: unknown } } }).workflowInput;
    const interactionId = input?.interaction?.id;
    const agentId = input?.agent?.id;
    return typeof interactionId === 'string' && typeof agentId === 'string' ? { interactionId, agentId } : undefined;
  } catch {
    return undefined;
  }
}

/** Where a memorialization job writes, and when its interaction was: the order of one record's writes. */
export interface WriteOrder {
  /** The record, in its CRM configuration: configuration:type:id. */
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
export function writeOrderOf(kind: string, job: unknown): WriteOrder | undefined {
  if (kind !== 'memorialization') return undefined;
  const request = acwJobPayloadSchema.safeParse(job);
  if (!request.success) return undefined;
  let input: unknown;
  try {
    input = JSON.parse(request.data.payload);
  } catch {
    return undefined;
  }
  const parsed = acwInputSchema.safeParse(input);
  if (!parsed.success) return undefined;
  const { regarding, interaction } = parsed.data.workflowInput;
  return {
    recordKey: `${request.data.configurationId}:${regarding.entity}:${regarding.id}`,
    // Normalized: ISO text compares as time only in one precision and zone.
    at: new Date(interaction.endedAt ?? interaction.startedAt).toISOString(),
  };
}
