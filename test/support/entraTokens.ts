import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
export const CLIENT_ID = '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f';
export const BOT_DOMAIN = 'tab.example.test';
export const APP_ID_URI = `api://${BOT_DOMAIN}/${CLIENT_ID}`;
/** The agent the tokens name: their Entra object id, the id the bot knows them by. */
export const AGENT_OID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

type Signer = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * A stand-in for a tenant's Entra ID signing keys: a key set written to a file (what TAB_JWKS_FILE
 * names) and tokens signed with it, shaped like the ones Teams SSO gives a tab (v1 and v2).
 */
export interface LocalEntra {
  jwksFile: string;
  /** A v2.0 Teams SSO token for the agent `oid`, with any claim overridden. */
  token(claims?: JWTPayload & { oid?: string }, options?: { expiresInSeconds?: number; signer?: 'tenant' | 'stranger' }): Promise<string>;
}

export async function localEntra(): Promise<LocalEntra> {
  const tenantKey = await generateKeyPair('RS256', { extractable: true });
  const strangerKey = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(tenantKey.publicKey)), kid: 'tenant-key-1', use: 'sig', alg: 'RS256' };
  const dir = mkdtempSync(join(tmpdir(), 'cc-jwks-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const sign = async (payload: JWTPayload, key: Signer, expiresInSeconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'tenant-key-1' })
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      .setExpirationTime(now + expiresInSeconds)
      .sign(key);
  };
  return {
    jwksFile,
    token: (claims = {}, options = {}) =>
      sign(
        {
          aud: CLIENT_ID,
          iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
          tid: TENANT,
          oid: AGENT_OID,
          name: 'Ana Agent',
          preferred_username: 'ana@contoso.example',
          scp: 'access_as_user',
          ver: '2.0',
          ...claims,
        },
        options.signer === 'stranger' ? strangerKey.privateKey : tenantKey.privateKey,
        options.expiresInSeconds ?? 3600,
      ),
  };
}
