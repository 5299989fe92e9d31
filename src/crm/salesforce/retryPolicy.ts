/**
 * When to try a throttled Salesforce request again: after the Retry-After Salesforce sent (seconds or an
 * HTTP date), else after an exponential backoff; never past the caller's AbortSignal.
 */

/** The backoff before attempt `attempt + 1` (attempt counts from 1): base, 2 × base, 4 × base... */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  return baseDelayMs * 2 ** Math.max(0, attempt - 1);
}

