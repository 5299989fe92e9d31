import { z } from 'zod';

/**
 * The `retry` block of every remote connector's configuration: one shape, one set of defaults, so an admin
 * tunes Salesforce, Dynamics 365, ServiceNow and Zendesk the same way. The defaults are what three of the
 * four connectors did before the block existed: 4 attempts, backoff from 0.5 s, a Retry-After up to 30 s.
 */
export const retryConfigSchema = z
  .object({
    /** Attempts of one request when the CRM throttles it (429, 503), the first included. */
    maxAttempts: z.number().int().min(1, 'must be at least 1').max(10, 'must be at most 10').default(4),
    /** First backoff when the CRM sends no Retry-After; doubled at each retry, with jitter. */
    baseDelayMs: z.number().int().min(1, 'must be at least 1').max(60_000, 'must be at most 60000').default(500),
    /** Longest backoff. */
    maxDelayMs: z.number().int().min(1, 'must be at least 1').max(120_000, 'must be at most 120000').default(30_000),
    /** A Retry-After longer than this fails the call at once instead of waiting. */
    maxRetryAfterMs: z.number().int().min(0, 'must be 0 or more').max(300_000, 'must be at most 300000').default(30_000),
  })
  .strict()
  .default({});

/** A connector's retry policy, defaults applied. */
export type RetryPolicy = z.infer<typeof retryConfigSchema>;

/** The policy with every default: for code that builds a transport without a configuration file. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = retryConfigSchema.parse(undefined);
