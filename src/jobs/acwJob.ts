import { z } from 'zod';

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
