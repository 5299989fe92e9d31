import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/http/retryAfter.js';

/** The one Retry-After parser every outside call uses (Salesforce, Dataverse, ServiceNow, Zendesk, Teams). */
describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-14T09:30:00.000Z');

  it('reads delay-seconds, with fractions some services send, and surrounding spaces', () => {
    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs(' 1.5 ', now)).toBe(1500);
    expect(retryAfterMs('0', now)).toBe(0);
  });

  it('reads an HTTP date as the time left until it, 0 once it is past', () => {
    expect(retryAfterMs('Sat, 14 Mar 2026 09:30:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sat, 14 Mar 2026 09:29:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable, so the caller backs off on its own', () => {
    for (const value of [undefined, null, '', '   ', 'soon', '-3', '1e3']) expect(retryAfterMs(value, now), String(value)).toBeUndefined();
  });
});
