import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/phone.js';
import { writtenNanpNumbers } from '../support/nanpNumbers.js';

// toE164 takes a North American number written with its country code as its own E.164, without a parse: the
// result must be what the parse gives, however it is written and whatever the default region.
describe('toE164 of North American numbers written with +1', () => {
  const parsed = (written: string, region: string) => {
    const number = parsePhoneNumberFromString(written.trim().replace(/^00/, '+'), region as CountryCode);
    return number?.isPossible() ? number.number : null;
  };

  it('gives what a parse gives, over the whole plan of numbers, written with or without separators, in several regions', () => {
    const regions = ['US', 'CA', 'GB', 'FR', 'DE'];
    const numbers = writtenNanpNumbers(4242, 20_000, (next) => (next() < 0.2 ? '00' : '+'));
    for (const [i, written] of numbers.entries()) {
      const region = regions[i % regions.length]!;
      expect(toE164(written, region), `${written} in ${region}`).toBe(parsed(written, region));
    }
  });

  it('still parses what is not a plain +1 number: extensions, national forms, other countries, short and long ones', () => {
    for (const [written, region] of [
      ['+1 206 555 0142 ext. 12', 'US'],
      ['(206) 555-0142', 'US'],
      ['206 555 0142', 'CA'],
      ['+1 011 555 0142', 'US'],
      ['+1 206 555 014', 'US'],
      ['+1 206 555 01420', 'US'],
      ['+44 20 7946 0958', 'US'],
      ['0044 20 7946 0958', 'FR'],
      ['01 23 45 67 89', 'FR'],
    ] as const) {
      expect(toE164(written, region), `${written} in ${region}`).toBe(parsed(written, region));
    }
  });
});
