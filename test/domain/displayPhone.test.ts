import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { displayPhone } from '../../src/domain/phone.js';
import { writtenNanpNumbers } from '../support/nanpNumbers.js';

// displayPhone formats North American numbers without parsing them first (a parse tries the 25 countries of
// +1, and every record read formats its phones): the result must be what the parse would have given.
describe('displayPhone', () => {
  const parsed = (e164: string) => parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;

  it('formats North American numbers as a parse does, over the whole plan of numbers', () => {
    let seed = 12345;
    const digit = () => (seed = (seed * 1103515245 + 12345) >>> 0) % 10;
    const numbers = ['+12065550142', '+18005550199', '+18765550123', '+14165550123', '+16045550100', '+19995550000', '+12002000000', '+19999999999'];
    for (let i = 0; i < 20_000; i++) {
      let e164 = `+1${2 + (digit() % 8)}${digit()}${digit()}${2 + (digit() % 8)}`;
      for (let d = 0; d < 6; d++) e164 += digit();
      numbers.push(e164);
    }
    for (const e164 of numbers) expect(displayPhone(e164), e164).toBe(parsed(e164));
  });

  it('formats them as a parse does when written with spaces, dots, dashes or parentheses', () => {
    for (const written of writtenNanpNumbers(777, 20_000)) expect(displayPhone(written), written).toBe(parsed(written));
    for (const written of ['+1 (206) 555-0142', '+1 206.555.0142', ' +1 206 555 0142 ', '+1 206 555 0142 ext. 12', '+1 206 555 0142 x12']) {
      expect(displayPhone(written), written).toBe(parsed(written));
    }
  });

  it('leaves other numbers to the parse: national prefixes dropped, short ones as they are', () => {
    for (const e164 of ['+442079460958', '+447700900123', '+33123456789', '+4930123456', '+400879614', '+11966331976048', '+1206555014', '+15', '+999123456', 'anonymous']) {
      expect(displayPhone(e164), e164).toBe(parsed(e164));
    }
    expect(displayPhone('+12065550142')).toBe('+1 206 555 0142');
  });
});
