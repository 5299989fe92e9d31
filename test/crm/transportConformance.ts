import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError, type CrmConnector } from '../../src/crm/port.js';
import type { RetryPolicy } from '../../src/crm/shared/httpKit/retryConfig.js';

/**
 * What every remote connector's transport must do when the CRM throttles, run against each vendor's local
 * wire server (test/crm/<crm>/transportConformance.test.ts): the same cases, the same answers, because all
 * four go through one retry policy (src/crm/shared/httpKit/). A vendor's own wording is checked through
 * `messages`; what only one CRM does (Salesforce's REQUEST_LIMIT_EXCEEDED) stays in that CRM's tests.
 */
export interface TransportHarness {
  /** A new connector on the running wire server, its `retry` block overridden by `retry`. */
  connector(retry?: Partial<RetryPolicy>): CrmConnector;
  /** Prepares `crm` (a record to read, caches, a token) and returns one port call that sends exactly one API request. */
  oneRequest(crm: CrmConnector): Promise<(signal: AbortSignal) => Promise<unknown>>;
  /** The next `times` API requests are answered `status`, with this Retry-After (none when undefined). */
  throttle(status: 429 | 503, retryAfter: string | undefined, times?: number): void;
  /** Drops throttles not consumed (after a call that gave up early). */
  clearThrottles(): void;
  /** API requests received so far (token requests and cached metadata reads not counted). */
  apiRequests(): number;
  /** Where access tokens expire (absent for a CRM whose tokens never do: Zendesk). */
  tokens?: { expire(): void; requested(): number };
  /** The CRM's words in a throttled failure, where the connector words it itself. */
  messages?: { exhausted?: Partial<Record<429 | 503, string>>; tooLong?: string };
  close(): Promise<void>;
}

const FAST = { baseDelayMs: 20, maxDelayMs: 200 } satisfies Partial<RetryPolicy>;

/** `expiringTokens`: the CRM's access tokens expire and are renewed (Zendesk's never do: no such case there). */
export function describeTransportConformance(name: string, start: () => Promise<TransportHarness>, { expiringTokens }: { expiringTokens: boolean }): void {
  describe(`${name} transport conformance`, () => {
    let wire: TransportHarness;
    const open = new AbortController().signal;

    beforeAll(async () => {
      wire = await start();
    });
    afterAll(async () => {
      await wire?.close();
    });

    /** Runs `call`, returning what it came to, the API requests it made and how long it took. */
    async function measured(call: () => Promise<unknown>) {
      const before = wire.apiRequests();
      const started = performance.now();
      const result = await call().catch((error: unknown) => error);
      return { result, requests: wire.apiRequests() - before, ms: performance.now() - started };
    }

    it('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.throttle(429, '1');
      const { result, requests, ms } = await measured(() => send(open));
      expect(result).not.toBeInstanceOf(Error);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(requests).toBe(2);
    });

    it('503 with Retry-After as an HTTP date: waits until then, then succeeds', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.throttle(503, new Date(Date.now() + 1500).toUTCString());
      const { result, requests, ms } = await measured(() => send(open));
      expect(result).not.toBeInstanceOf(Error);
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(requests).toBe(2);
    });

    it('503 without Retry-After: backs off, then succeeds', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.throttle(503, undefined);
      const { result, requests } = await measured(() => send(open));
      expect(result).not.toBeInstanceOf(Error);
      expect(requests).toBe(2);
    });

    for (const status of [429, 503] as const) {
      for (const maxAttempts of [2, 4, 6]) {
        it(`still ${status} after ${maxAttempts} attempts: CrmError ${status} (InternalError for the engine), no further request`, async () => {
          const send = await wire.oneRequest(wire.connector({ ...FAST, maxAttempts }));
          wire.throttle(status, '0', maxAttempts + 1);
          const { result, requests } = await measured(() => send(open));
          wire.clearThrottles();
          expect(result).toBeInstanceOf(CrmError);
          expect(result).toMatchObject({ status });
          const words = wire.messages?.exhausted?.[status];
          if (words) expect((result as Error).message).toContain(words);
          expect(requests).toBe(maxAttempts);
        });
      }
    }

    it('a Retry-After longer than maxRetryAfterMs fails at once with CrmError 429', async () => {
      const send = await wire.oneRequest(wire.connector({ ...FAST, maxRetryAfterMs: 5000 }));
      wire.throttle(429, '3600');
      const { result, requests, ms } = await measured(() => send(open));
      expect(result).toBeInstanceOf(CrmError);
      expect(result).toMatchObject({ status: 429 });
      if (wire.messages?.tooLong) expect((result as Error).message).toContain(wire.messages.tooLong);
      expect(ms).toBeLessThan(1000);
      expect(requests).toBe(1);
    });

    it("aborted during the wait: rejects at once with the caller's reason, no second request", async () => {
      const send = await wire.oneRequest(wire.connector({ ...FAST, maxRetryAfterMs: 120_000 }));
      wire.throttle(429, '60');
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('caller gave up')), 150);
      const { result, requests, ms } = await measured(() => send(controller.signal));
      expect(result).toMatchObject({ message: 'caller gave up' });
      expect(ms).toBeLessThan(2000);
      expect(requests).toBe(1);
    });

    it('a workflow timeout during the wait: rejects with its TimeoutError (Timeout for the engine)', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.throttle(429, '2');
      const { result, requests, ms } = await measured(() => send(AbortSignal.timeout(150)));
      wire.clearThrottles();
      expect((result as Error).name).toBe('TimeoutError');
      expect(ms).toBeLessThan(1000);
      expect(requests).toBe(1);
    });

    if (!expiringTokens) return;

    it('an expired token: one new token, and the call succeeds with it', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.tokens!.expire();
      const before = wire.tokens!.requested();
      const { result, requests } = await measured(() => send(open));
      expect(result).not.toBeInstanceOf(Error);
      expect(wire.tokens!.requested()).toBe(before + 1);
      expect(requests).toBe(2); // refused, then sent again with the new token
    });

    it('an expired token: 6 concurrent calls share one new token (single-flight), and all succeed', async () => {
      const send = await wire.oneRequest(wire.connector(FAST));
      wire.tokens!.expire();
      const before = wire.tokens!.requested();
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          send(open).then(
            () => 'ok',
            (error: unknown) => error,
          ),
        ),
      );
      expect(results).toEqual(Array.from({ length: 6 }, () => 'ok'));
      expect(wire.tokens!.requested()).toBe(before + 1);
    });
  });
}
