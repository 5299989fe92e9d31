import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface WireAuthOptions {
  username: string;
  password: string;
  clientId?: string;
  clientSecret?: string;
  accessTokenSeconds?: number;
}

/**
 * Who may call the local instance: basic auth of the integration user, or a bearer token from
 * POST /oauth_token.do (Security, "OAuth API request parameters": form-encoded grant_type=password with
 * client_id, client_secret, username, password; grant_type=refresh_token; a refused grant is 401
 * {"error_description": "access_denied", "error": "server_error"}).
 */
export class WireAuth {
  readonly tokenRequests: Array<{ grantType: string; status: number }> = [];
  /** Every access and refresh token handed out (to prove none is ever logged). */
  readonly issuedTokens: string[] = [];
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private password: string;

  constructor(
    private readonly options: WireAuthOptions,
    private readonly now: () => Date,
  ) {
    this.password = options.password;
  }

  /** Every access token handed out so far expires now (as after expires_in seconds). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  /** The integration user's password is changed in ServiceNow: the configured one is refused from now on. */
  changePassword(password: string): void {
    this.password = password;
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  authenticate(header: string | undefined): boolean {
    if (!header) return false;
    if (header.startsWith('Basic ')) {
      const [user, ...pass] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return user === this.options.username && pass.join(':') === this.password;
    }
    if (header.startsWith('Bearer ')) {
      const expires = this.accessTokens.get(header.slice(7));
      return expires !== undefined && expires > this.now().getTime();
    }
    return false;
  }

  token(req: IncomingMessage, body: string, res: ServerResponse): void {
    const reply = (status: number, json: unknown, grantType: string) => {
      this.tokenRequests.push({ grantType, status });
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(json));
    };
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply(400, { error_description: 'invalid content type', error: 'invalid_request' }, 'unknown');
    }
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type') ?? '';
    const denied = () => reply(401, { error_description: 'access_denied', error: 'server_error' }, grantType);
    if (!this.options.clientId || form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) return denied();
    if (grantType === 'password') {
      if (form.get('username') !== this.options.username || form.get('password') !== this.password) return denied();
      const refresh = randomBytes(24).toString('base64url');
      this.refreshTokens.add(refresh);
      this.issuedTokens.push(refresh);
      return reply(200, this.issue(refresh), grantType);
    }
    if (grantType === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      if (!this.refreshTokens.has(refresh)) return denied();
      return reply(200, this.issue(refresh), grantType);
    }
    return reply(400, { error_description: 'unsupported grant type', error: 'unsupported_grant_type' }, grantType);
  }

  private issue(refreshToken: string) {
    const seconds = this.options.accessTokenSeconds ?? 1799;
    const access = randomBytes(32).toString('base64url');
    this.issuedTokens.push(access);
    this.accessTokens.set(access, this.now().getTime() + seconds * 1000);
    return { access_token: access, refresh_token: refreshToken, scope: 'useraccount', token_type: 'Bearer', expires_in: seconds };
  }
}
