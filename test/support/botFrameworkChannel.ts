import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const BOT_APP_ID = '5d7c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const KID = 'channel-key-1';

type Signer = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * A stand-in for the Bot Framework channel's token service: its OpenID metadata document and key set served
 * over HTTP (what BOT_OPENID_METADATA_URL names), and tokens shaped like the ones Teams' activities carry,
 * signed with its key, or tampered with.
 */
export interface LocalBotChannel {
  metadataUrl: string;
  /** How many times the metadata document was fetched. */
  fetches(): number;
  /** A channel token for the bot, with any claim overridden. */
  token(claims?: JWTPayload & { serviceurl?: string }, options?: { signer?: 'channel' | 'stranger'; kid?: string; expiresInSeconds?: number }): Promise<string>;
  /** A token with `alg: none` and no signature, naming the channel's key. */
  unsignedToken(claims: JWTPayload & { serviceurl?: string }): string;
  close(): Promise<void>;
}

export async function startLocalBotChannel(): Promise<LocalBotChannel> {
  const channelKey = await generateKeyPair('RS256', { extractable: true });
  const strangerKey = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(channelKey.publicKey)), kid: KID, use: 'sig', endorsements: ['msteams'] };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      fetches++;
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const claimsFor = (claims: JWTPayload) => ({ iss: 'https://api.botframework.com', aud: BOT_APP_ID, ...claims });
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    fetches: () => fetches,
    async token(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const key: Signer = options.signer === 'stranger' ? strangerKey.privateKey : channelKey.privateKey;
      return new SignJWT(claimsFor(claims))
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? KID })
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
        .sign(key);
    },
    unsignedToken(claims) {
      const now = Math.floor(Date.now() / 1000);
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT', kid: KID })}.${part({ ...claimsFor(claims), nbf: now - 60, exp: now + 3600 })}.`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
