import { describe, expect, it } from 'vitest';
import { readTokenRequest } from '../../src/digital/clientCredentials.js';
import { utcMillisecondsOf } from '../../src/digital/messageTime.js';
import { hashSecret, randomSecret, secretMatches } from '../../src/digital/secrets.js';

describe('createdAtWithMilliseconds to UTC', () => {
  it.each([
    ['2021-01-15T03:20:50.52-04:00', '2021-01-15T07:20:50.520Z'],
    ['2026-12-06T10:15:30.123+01:00', '2026-12-06T09:15:30.123Z'],
    ['2026-12-06T00:30:00+05:45', '2026-12-05T18:45:00.000Z'],
    ['2026-12-31T23:59:59.9999999-10:00', '2027-01-01T09:59:59.999Z'],
    ['2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
  ])('%s is %s', (given, utc) => {
    expect(utcMillisecondsOf(given)).toBe(utc);
  });

  it.each([
    '2026-12-06T10:15:30.123',
    '2026-12-06',
    '2027-02-29T12:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-06T24:00:00Z',
    '2026-12-06T10:60:00Z',
    '2026-12-06T10:15:30+15:00',
    '2026-12-06 10:15:30Z',
    ' 2026-12-06T10:15:30Z',
  ])('refuses %s', (given) => {
    expect(utcMillisecondsOf(given)).toBeUndefined();
  });
});

describe('client secrets at rest', () => {
  it('hashes with a salt per secret and matches only the secret itself', async () => {
    const secret = randomSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const [one, two] = [await hashSecret(secret), await hashSecret(secret)];
    expect(one).not.toBe(two);
    expect(one).not.toContain(secret);
    expect(await secretMatches(secret, one)).toBe(true);
    expect(await secretMatches(secret, two)).toBe(true);
    expect(await secretMatches(`${secret}x`, one)).toBe(false);
    expect(await secretMatches(secret, 'plain-text')).toBe(false);
  });
});

describe('reading a token request', () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  it('reads form-encoded Basic credentials (RFC 6749 §2.3.1)', () => {
    expect(readTokenRequest(basic('id:with colon', 'sec/ret+'), { grant_type: 'client_credentials' })).toEqual({ ok: true, clientId: 'id:with colon', clientSecret: 'sec/ret+' });
  });

  it('reads body credentials', () => {
    expect(readTokenRequest(undefined, { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' })).toEqual({ ok: true, clientId: 'a', clientSecret: 'b' });
  });

  it.each([
    ['no body', undefined, undefined, 'invalid_request'],
    ['a grant that is not a string', undefined, { grant_type: ['client_credentials'] }, 'invalid_request'],
    ['the password grant', basic('a', 'b'), { grant_type: 'password' }, 'unsupported_grant_type'],
    ['no credentials', undefined, { grant_type: 'client_credentials' }, 'invalid_client'],
    ['a Bearer header', 'Bearer abc', { grant_type: 'client_credentials' }, 'invalid_client'],
    ['Basic without a colon', `Basic ${Buffer.from('nocolon').toString('base64')}`, { grant_type: 'client_credentials' }, 'invalid_client'],
    ['a secret over 500 characters', undefined, { grant_type: 'client_credentials', client_id: 'a', client_secret: 's'.repeat(501) }, 'invalid_request'],
  ])('refuses %s', (_what, header, body, error) => {
    const read = readTokenRequest(header, body);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.refusal.error).toBe(error);
  });
});
