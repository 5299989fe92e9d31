import type { RetryPolicy } from './retryConfig.js';

/**
 * The wait before retry number `retry` (0 for the first) when the CRM did not say how long: base, 2 × base,
 * 4 × base… at most `maxDelayMs`, spread by ±25 % so that calls throttled together do not come back
 * together. `random` is injectable so a test can pin the jitter (0.5 gives the nominal delay).
 */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.round(nominal * (0.75 + random() / 2));
}
