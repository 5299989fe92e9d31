import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../src/http/retryAfter.js';
import { backoffMs } from '../../../src/http/backoff.js';
import { DEFAULT_RETRY_POLICY, retryConfigSchema } from '../../../src/crm/shared/httpKit/retryConfig.js';
import { KeyedSingleFlight, SingleFlight } from '../../../src/crm/shared/httpKit/singleFlight.js';
import { withRetries, type TryOutcome } from '../../../src/crm/shared/httpKit/withRetries.js';

const nominal = () => 0.5;
const open = new AbortController().signal;

describe('the CRM HTTP kit', () => {
  describe('backoff', () => {
    it('doubles from the base (0.5 s, 1 s, 2 s…) up to maxDelayMs', () => {
      expect(backoffMs(0, DEFAULT_RETRY_POLICY, nominal)).toBe(500);
      expect(backoffMs(1, DEFAULT_RETRY_POLICY, nominal)).toBe(1000);
      expect(backoffMs(2, DEFAULT_RETRY_POLICY, nominal)).toBe(2000);
      expect(backoffMs(9, { baseDelayMs: 500, maxDelayMs: 8000 }, nominal)).toBe(8000);
    });

    it('spreads each wait by ±25 % (jitter)', () => {
      expect(backoffMs(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(750);
      expect(backoffMs(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(1250);
      const waits = new Set(Array.from({ length: 20 }, () => backoffMs(3, DEFAULT_RETRY_POLICY)));
      expect(waits.size).toBeGreaterThan(1);
    });

    it('reads Retry-After as seconds or as an HTTP date (what the transports pass the policy)', () => {
      const now = new Date('2026-03-14T09:30:00.000Z').getTime();
      expect(retryAfterMs('3', now)).toBe(3000);
      expect(retryAfterMs('Sat, 14 Mar 2026 09:30:05 GMT', now)).toBe(5000);
      expect(retryAfterMs('Sat, 14 Mar 2026 09:29:00 GMT', now)).toBe(0);
      expect(retryAfterMs(null, now)).toBeUndefined();
    });
  });

  describe('the retry block', () => {
    it('has one shape and one set of defaults, and refuses what it does not know', () => {
      expect(retryConfigSchema.parse(undefined)).toEqual({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 30_000 });
      expect(retryConfigSchema.safeParse({ maxRetries: 3 }).success).toBe(false);
      expect(retryConfigSchema.safeParse({ maxAttempts: 0 }).success).toBe(false);
    });
  });

  describe('withRetries', () => {
    const throttled = (retryAfter: number | undefined): TryOutcome<string> => ({
      throttled: { status: 429, retryAfterMs: retryAfter },
      giveUp: (why) => `gave up: ${why.why}`,
    });
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2 };

    it('tries again until done, at most maxAttempts tries, then gives up saying why', async () => {
      let tries = 0;
      expect(await withRetries(policy, open, () => Promise.resolve(++tries < 3 ? throttled(0) : { done: 'ok' }))).toBe('ok');
      expect(tries).toBe(3);
      tries = 0;
      expect(await withRetries({ ...policy, maxAttempts: 3 }, open, () => Promise.resolve((tries++, throttled(0))))).toBe('gave up: attempts');
      expect(tries).toBe(3);
    });

    it('gives up at once on a Retry-After longer than maxRetryAfterMs', async () => {
      let tries = 0;
      expect(await withRetries({ ...policy, maxRetryAfterMs: 1000 }, open, () => Promise.resolve((tries++, throttled(1001))))).toBe('gave up: retryAfter');
      expect(tries).toBe(1);
    });

    it("stops waiting when the signal aborts, with the signal's reason", async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('deadline')), 20);
      const started = Date.now();
      await expect(withRetries(policy, controller.signal, () => Promise.resolve(throttled(10_000)))).rejects.toThrow('deadline');
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('single-flight', () => {
    it('shares one run among concurrent callers, and starts a new one after it settles', async () => {
      const flight = new SingleFlight<number>();
      let runs = 0;
      const start = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 10));
      expect(await Promise.all([flight.run(start), flight.run(start), flight.run(start, open)])).toEqual([1, 1, 1]);
      expect(await flight.run(start)).toBe(2);
    });

    it('lets one caller stop waiting without failing the others', async () => {
      const flight = new SingleFlight<string>();
      const controller = new AbortController();
      const start = () => new Promise<string>((resolve) => setTimeout(() => resolve('token'), 30));
      const impatient = flight.run(start, controller.signal);
      const patient = flight.run(start, open);
      controller.abort(new Error('gave up'));
      await expect(impatient).rejects.toThrow('gave up');
      expect(await patient).toBe('token');
    });

    it('per key: one run per key, the joiners told they shared it', async () => {
      const flight = new KeyedSingleFlight<string>();
      let runs = 0;
      const start = (key: string) => () => new Promise<string>((resolve) => setTimeout(() => resolve(`${key}${++runs}`), 10));
      const results = await Promise.all([flight.run('a', start('a')), flight.run('a', start('a')), flight.run('b', start('b'))]);
      expect(results).toEqual([
        { value: 'a1', shared: false },
        { value: 'a1', shared: true },
        { value: 'b2', shared: false },
      ]);
      expect(await flight.run('a', start('a'))).toEqual({ value: 'a3', shared: false });
    });
  });
});
