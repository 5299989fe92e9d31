import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/phone.js';
import { writtenNanpNumbers } from '../support/nanpNumbers.js';

/** What libphonenumber's parse makes of a written number in a region: the E.164 of a possible number, else null. */
const parsed = (written: string, region: string) => {
  const number = parsePhoneNumberFromString(written.trim().replace(/^00/, '+'), region as CountryCode);
  return number?.isPossible() ? number.number : null;
};

/** Each number, written as given in its region, gives what the parse gives. */
const expectParsedAlike = (cases: ReadonlyArray<readonly [string, string]>) => {
  for (const [written, region] of cases) expect(toE164(written, region), `${written} in ${region}`).toBe(parsed(written, region));
};

// toE164 takes a North American number written with its country code as its own E.164, without a parse: the
// result must be what the parse gives, however it is written and whatever the default region.
describe('toE164 of North American numbers written with +1', () => {
  it('gives what a parse gives, over the whole plan of numbers, written with or without separators, in several regions', () => {
    const regions = ['US', 'CA', 'GB', 'FR', 'DE'];
    const numbers = writtenNanpNumbers(4242, 20_000, (next) => (next() < 0.2 ? '00' : '+'));
    expectParsedAlike(numbers.map((written, i) => [written, regions[i % regions.length]!] as const));
  });

  it('still parses what is not a plain +1 number: extensions, national forms, other countries, short and long ones', () => {
    expectParsedAlike([
      ['+1 206 555 0142 ext. 12', 'US'],
      ['(206) 555-0142', 'US'],
      ['206 555 0142', 'CA'],
      ['+1 011 555 0142', 'US'],
      ['+1 206 555 014', 'US'],
      ['+1 206 555 01420', 'US'],
      ['+44 20 7946 0958', 'US'],
      ['0044 20 7946 0958', 'FR'],
      ['01 23 45 67 89', 'FR'],
    ]);
  });
});

// And written nationally, without the country code or with the national prefix 1: in a region of +1 it is the same
// number, taken without a parse; in any other region it is that region's to parse.
describe('toE164 of North American numbers written nationally', () => {
  it('gives what a parse gives, with and without the national prefix, in regions of +1 and others', () => {
    const regions = ['US', 'CA', 'JM', 'PR', 'GB', 'FR', 'DE', 'XX'];
    const numbers = writtenNanpNumbers(2424, 20_000, () => '');
    // Every other one without its leading 1 (the separators before it kept).
    expectParsedAlike(numbers.map((withPrefix, i) => [i % 2 ? withPrefix.replace(/1/, '') : withPrefix, regions[i % regions.length]!] as const));
  });

  it('still parses national forms that are not a whole North American number', () => {
    expectParsedAlike([
      ['555-0142', 'US'],
      ['206 555 0142 x12', 'US'],
      ['(206) 155-0142', 'US'],
      ['(106) 555-0142', 'US'],
      ['2 206 555 0142', 'US'],
      ['206 555 01421', 'CA'],
      ['020 7946 0958', 'GB'],
    ]);
  });
});
