import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

/**
 * The signed assertion of Salesforce's OAuth 2.0 JWT bearer flow: header {"alg":"RS256"}, claims iss (the
 * consumer key), sub (the username), aud (the login server) and exp (at most 3 minutes ahead), signed with
 * the private key whose certificate the connected app holds.
 */
export interface JwtClaims {
  clientId: string;
  username: string;
  audience: string;
  now: Date;
  /** Seconds until exp; Salesforce accepts at most 3 minutes. */
  lifetimeSeconds?: number;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signJwtAssertion(claims: JwtClaims, privateKey: KeyObject): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const payload = base64url(
    JSON.stringify({
      iss: claims.clientId,
      sub: claims.username,
      aud: claims.audience,
      exp: Math.floor(claims.now.getTime() / 1000) + (claims.lifetimeSeconds ?? 180),
    }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/**
 * Reads a PEM private key from the text of an environment variable. Literal "\n" sequences (how PEM keys
 * often travel in single-line variables) become line breaks. The error names the variable, never the key.
 */
export function readPrivateKey(pem: string, envName: string): KeyObject {
  const text = pem.includes('-----BEGIN') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem;
  try {
    const key = createPrivateKey(text);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new Error(`the secret ${envName} is not a PEM-encoded RSA private key (the JWT bearer flow signs with RS256)`);
  }
}
