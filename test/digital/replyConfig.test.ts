import { describe, expect, it } from 'vitest';
import { digitalConfigFrom } from '../../src/digital/digitalConfig.js';

describe('DIGITAL_REPLY_MAX_ATTEMPTS', () => {
  it('bounds how often a reply is tried: 8 unless set, 1 to 50', () => {
    expect(digitalConfigFrom({}).replyMaxAttempts).toBe(8);
    expect(digitalConfigFrom({ DIGITAL_REPLY_MAX_ATTEMPTS: '3' }).replyMaxAttempts).toBe(3);
    expect(() => digitalConfigFrom({ DIGITAL_REPLY_MAX_ATTEMPTS: '0' })).toThrow(/DIGITAL_REPLY_MAX_ATTEMPTS: must be a whole number from 1 to 50 \(got "0"\)/);
    expect(() => digitalConfigFrom({ DIGITAL_REPLY_MAX_ATTEMPTS: 'many' })).toThrow(/DIGITAL_REPLY_MAX_ATTEMPTS/);
  });
});
