import { z } from 'zod';
import { recordRefSchema } from './fieldValues.js';

const transcriptMessageSchema = z.object({ author: z.string().max(200), text: z.string().max(400), at: z.string().datetime() }).strict();

/**
 * What a digital conversation's timeline activity tells of its transcript (SPEC "Digital trigger"): its first
 * and last messages (cut short), how many came in and went out, and how long it ran from first to last.
 */
export const transcriptSummarySchema = z
  .object({
    first: transcriptMessageSchema,
    last: transcriptMessageSchema,
    inbound: z.number().int().min(0),
    outbound: z.number().int().min(0),
    durationSeconds: z.number().int().min(0),
    /** The thread's status and tags when the trigger fired. */
    status: z.string().max(20),
    tags: z.array(z.string().max(30)).max(20),
  })
  .strict();
export type TranscriptSummary = z.infer<typeof transcriptSummarySchema>;

/**
 * The interaction data that timeline and memorialization carry to the CRM, as the ACW trigger sends it.
 * Text values only (SPEC: memorialization limits). `transcript`: a digital conversation's only.
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
    transcript: transcriptSummarySchema.optional(),
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
