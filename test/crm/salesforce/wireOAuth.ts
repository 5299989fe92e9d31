import { createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { WireCredentials } from './wireServer.js';

/**
 * The OAuth 2.0 token endpoint of the wire server (POST /services/oauth2/token), per Salesforce Help's
 * "OAuth 2.0 Client Credentials Flow", "Username-Password Flow" and "JWT Bearer Flow": client_credentials,
 * password (password + security token) and urn:ietf:params:oauth:grant-type:jwt-bearer (RS256 assertion
 * verified with the app's public key; iss, sub, aud and exp checked). Answers {access_token, instance_url,
 * id, token_type, issued_at, signature} or 400 {error, error_description}.
 */
export class WireOAuth {
  readonly tokenRequests: Array<{ grantType: string; body: string }> = [];
  readonly issuedTokens: string[] = [];
  readonly validTokens = new Set<string>();
  refusal: { error: string; description: string } | undefined;
  private readonly jwtKey: KeyObject | undefined;

  constructor(
    private readonly credentials: WireCredentials,
    private readonly server: { url: string; orgId: string; userId: string },
  ) {
    const key = credentials.jwtPublicKey;
    this.jwtKey = key === undefined ? undefined : typeof key === 'string' ? createPublicKey(key) : key;
  }

  handle(params: URLSearchParams, body: string, res: ServerResponse): void {
    const grantType = params.get('grant_type') ?? '';
    this.tokenRequests.push({ grantType, body });
    const { credentials } = this;
    const refuse = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });
    if (this.refusal) return refuse(this.refusal.error, this.refusal.description);

    if (grantType === 'client_credentials') {
      if (params.get('client_id') !== credentials.clientId || params.get('client_secret') !== credentials.clientSecret) {
        return refuse('invalid_client', 'invalid client credentials');
      }
    } else if (grantType === 'password') {
      if (params.get('client_id') !== credentials.clientId || params.get('client_secret') !== credentials.clientSecret) {
        return refuse('invalid_client_id', 'client identifier invalid');
      }
      if (params.get('username') !== credentials.username || params.get('password') !== credentials.password + credentials.securityToken) {
        return refuse('invalid_grant', 'authentication failure');
      }
    } else if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const problem = this.jwtProblem(params.get('assertion') ?? '');
      if (problem) return refuse('invalid_grant', problem);
    } else {
      return refuse('unsupported_grant_type', 'grant type not supported');
    }

    const accessToken = `${this.server.orgId.slice(0, 15)}!AQ${randomBytes(24).toString('base64url')}`;
    this.validTokens.add(accessToken);
    this.issuedTokens.push(accessToken);
    const issuedAt = String(Date.now());
    sendJson(res, 200, {
      access_token: accessToken,
      signature: createHmac('sha256', credentials.clientSecret).update(`${this.server.url}/id/${this.server.orgId}/${this.server.userId}${issuedAt}`).digest('base64'),
      scope: 'api',
      instance_url: this.server.url,
      id: `${this.server.url}/id/${this.server.orgId}/${this.server.userId}`,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  }

  /** Why a JWT bearer assertion is refused, or undefined when it is good. */
  private jwtProblem(assertion: string): string | undefined {
    const parts = assertion.split('.');
    if (parts.length !== 3 || !this.jwtKey) return 'invalid assertion';
    const [header, payload, signature] = parts as [string, string, string];
    let head: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof head;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return 'invalid assertion';
    }
    if (head.alg !== 'RS256') return 'invalid assertion';
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.jwtKey, Buffer.from(signature, 'base64url'))) return 'invalid assertion';
    const { credentials } = this;
    if (claims.iss !== credentials.clientId) return 'invalid client credentials';
    if (claims.sub !== credentials.username) return "user hasn't approved this consumer";
    if (claims.aud !== 'https://login.salesforce.com' && claims.aud !== 'https://test.salesforce.com' && claims.aud !== this.server.url) return 'audience is invalid';
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp > now + 300) return 'expired authorization code';
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}
