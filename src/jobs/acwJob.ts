import { z } from 'zod';

/** What an ACW job carries: one Workflow Execute request, run as is by the worker. */
export const acwJobPayloadSchema = z.object({
  configurationId: z.string(),
  workflowId: z.string(),
  payload: z.string(),
});
export type AcwJobPayload = z.infer<typeof acwJobPayloadSchema>;
