/** How a backoff grows: the first retry's wait, doubled for each next one, up to a cap. */
export interface BackoffSteps {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (0 for the first) when the other side did not say how long: base,
 * 2 × base, 4 × base… at most `maxDelayMs`, spread by ±25 % so that what failed together does not come back
 * together. One formula for every retry we make (CRM calls, ACW jobs, ACD outbox deliveries). `random` is
 * injectable so a test can pin the jitter (0.5 gives the nominal delay).
 */
export function backoffMs(retry: number, policy: BackoffSteps, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.round(nominal * (0.75 + random() / 2));
}
