import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/phone.js';

// toE164 remembers a number's E.164 form as normalizing to itself (the call's own number is normalized again
// by the data dip): that holds only if parsing an E.164 number gives it back, whatever the default region.
describe('an E.164 number normalizes to itself', () => {
  it.each([
    ['(206) 555-0142', 'US'],
    ['1-206-555-0142', 'US'],
    ['206.555.0142 ext. 12', 'US'],
    ['0044 20 7946 0958', 'US'],
    ['020 7946 0958', 'GB'],
    ['01 23 45 67 89', 'FR'],
    ['030 1234567', 'DE'],
  ])('%s in %s', (raw, region) => {
    const e164 = toE164(raw, region);
    expect(e164).toMatch(/^\+\d{8,15}$/);
    // Another region than the first parse's: not answered from what that parse remembered.
    const other = region === 'US' ? 'DE' : 'US';
    expect(toE164(e164!, other)).toBe(e164);
    expect(toE164(e164!, region)).toBe(e164);
  });
});
