import { backoffMs } from '../http/backoff.js';
import { retryAfterMs as parseRetryAfter } from '../http/retryAfter.js';

/** Statuses Teams answers when a send should be tried again (throttled, or a transient failure). */
const RETRYABLE = new Set([412, 429, 502, 503, 504]);
/** Without a Retry-After: about 0.5 s, 1 s, 2 s, 4 s. */
const TEAMS_BACKOFF = { baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Runs one outgoing call to Teams, retrying what Teams asks us to retry: on 429 after its Retry-After,
 * otherwise with exponential backoff and jitter. The limits per bot and conversation (7 sends/s, 60 per
 * 30 s…) make a burst of card updates meet 429s; waiting as told is what keeps the update.
 */
export async function withTeamsRetry<T>(send: () => Promise<T>, attempts = 5, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (!status || !RETRYABLE.has(status) || attempt >= attempts) throw error;
      await sleep(retryAfterMs(error) ?? backoffMs(attempt - 1, TEAMS_BACKOFF));
    }
  }
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
  const ms = parseRetryAfter(headers?.get?.('retry-after'), Date.now());
  return ms === undefined ? undefined : Math.min(60_000, ms);
}
