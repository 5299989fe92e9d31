import { abortableSleep } from '../abortableSleep.js';
import { backoffMs } from '../../../http/backoff.js';
import type { RetryPolicy } from './retryConfig.js';

/** A try the CRM throttled (429, 503 or its own "limit exceeded"): what it answered and how long it asked to wait. */
export interface Throttle {
  status: number;
  /** From Retry-After; undefined when the CRM did not say, and the backoff decides. */
  retryAfterMs: number | undefined;
  /** For the log line: "HTTP 429", "REQUEST_LIMIT_EXCEEDED". */
  reason?: string;
}

/** Why a throttled request is not tried again: the attempts are used up, or the CRM asks to wait too long. */
export type GiveUp = { why: 'attempts'; attempts: number } | { why: 'retryAfter'; waitMs: number; maxRetryAfterMs: number };

/**
 * What one try came to: done (the value to return, or a failure the attempt threw), or throttled, with
 * what the request resolves to (or throws) when it cannot be tried again.
 */
export type TryOutcome<T> = { done: T } | { throttled: Throttle; giveUp: (why: GiveUp) => T };

export interface RetryHooks {
  /** Called before each wait (for the connector's log line). */
  onWait?: (wait: { throttle: Throttle; waitMs: number; retry: number }) => void;
}

/**
 * Runs a request under a connector's retry policy: a throttled try waits for the CRM's Retry-After (else a
 * backoff with jitter) and goes again, at most `maxAttempts` tries in all; a Retry-After longer than
 * `maxRetryAfterMs` gives up at once. No wait outlives `signal`: it rejects with the signal's reason.
 * What is not throttling (a 401 renewed once, a field error) the attempt handles itself.
 */
export async function withRetries<T>(policy: RetryPolicy, signal: AbortSignal, attempt: () => Promise<TryOutcome<T>>, hooks: RetryHooks = {}): Promise<T> {
  for (let tries = 1; ; tries++) {
    signal.throwIfAborted();
    const outcome = await attempt();
    if ('done' in outcome) return outcome.done;
    const { throttled: throttle, giveUp } = outcome;
    if (tries >= policy.maxAttempts) return giveUp({ why: 'attempts', attempts: tries });
    if (throttle.retryAfterMs !== undefined && throttle.retryAfterMs > policy.maxRetryAfterMs) {
      return giveUp({ why: 'retryAfter', waitMs: throttle.retryAfterMs, maxRetryAfterMs: policy.maxRetryAfterMs });
    }
    const waitMs = throttle.retryAfterMs ?? backoffMs(tries - 1, policy);
    hooks.onWait?.({ throttle, waitMs, retry: tries });
    await abortableSleep(waitMs, signal);
  }
}

/** 429 (too many requests) and 503 (unavailable): the statuses every CRM uses to say "try again later". */
export function isThrottleStatus(status: number | undefined): status is 429 | 503 {
  return status === 429 || status === 503;
}
