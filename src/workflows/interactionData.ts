import { z } from 'zod';
import { recordRefSchema } from './fieldValues.js';

/**
 * The interaction data that timeline and memorialization carry to the CRM, as the ACW trigger sends it.
 * Text values only (SPEC: memorialization limits).
 */
export const interactionDataSchema = z
  .object({
    id: z.string().min(1).max(100),
    ani: z.string().max(40),
    channel: z.string().max(20),
    startedAt: z.string().datetime(),
    endedAt: z.string().datetime().nullable(),
    durationSeconds: z.number().int().min(0),
    disposition: z.string().max(200).nullable(),
    notes: z.string().max(32_000).nullable(),
  })
  .strict();
export type InteractionData = z.infer<typeof interactionDataSchema>;

export const agentDataSchema = z.object({ id: z.string().min(1).max(200), name: z.string().max(200) }).strict();
export type AgentData = z.infer<typeof agentDataSchema>;

/** workflowInput of both timeline and memorialization: which record, which interaction, which agent. */
export const acwInputSchema = z
  .object({
    workflowInput: z.object({ regarding: recordRefSchema, interaction: interactionDataSchema, agent: agentDataSchema }).strict(),
  })
  .passthrough();
export type AcwInput = z.infer<typeof acwInputSchema>;
