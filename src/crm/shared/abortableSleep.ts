/**
 * Waits `ms` (a Retry-After, a backoff), or rejects with the caller's abort reason as soon as its signal
 * aborts (at once when it already has), so no wait outlives the workflow's timeout. Every connector's retry
 * loop waits through this one.
 */
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
