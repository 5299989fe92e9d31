/**
 * When to try a throttled Salesforce request again: after the Retry-After Salesforce sent (seconds or an
 * HTTP date), else after an exponential backoff; never past the caller's AbortSignal.
 */

/** The backoff before attempt `attempt + 1` (attempt counts from 1): base, 2 × base, 4 × base... */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  return baseDelayMs * 2 ** Math.max(0, attempt - 1);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

