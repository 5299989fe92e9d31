import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import { SingleFlight } from '../shared/httpKit/singleFlight.js';

/** Supplies the Authorization header of Table API calls, and forgets a token ServiceNow refused. */
export interface ServiceNowAuth {
  /** The header value for the next call. */
  authorization(signal: AbortSignal): Promise<string>;
  /** ServiceNow answered 401 to this header: renew what can be renewed. Returns false when nothing can. */
  refused(authorization: string): boolean;
}

/** Basic authentication of an integration user: nothing to renew. */
export class BasicAuth implements ServiceNowAuth {
  private readonly header: string;
  constructor(username: string, password: string) {
    this.header = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  authorization(): Promise<string> {
    return Promise.resolve(this.header);
  }
  refused(): boolean {
    return false;
  }
}

export interface OAuthPasswordSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  configurationId: string;
  clock: () => Date;
  logger: Logger;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
}

/** Renew an access token this long before ServiceNow says it expires. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * OAuth 2.0 against the instance's /oauth_token.do: the password grant once, then the refresh-token grant
 * whenever the access token expires or is refused; back to the password grant when the refresh token is
 * refused too. Concurrent callers share one token request. Tokens and secrets never leave this object: not
 * in errors, not in logs.
 */
export class OAuthPasswordAuth implements ServiceNowAuth {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private expiresAt = 0;
  private readonly renewing = new SingleFlight<string>();

  constructor(private readonly settings: OAuthPasswordSettings) {}

  async authorization(signal: AbortSignal): Promise<string> {
    if (this.accessToken && this.settings.clock().getTime() < this.expiresAt - EXPIRY_MARGIN_MS) return `Bearer ${this.accessToken}`;
    // One token request at a time; a caller whose signal aborts stops waiting, the request goes on for others.
    const token = await this.renewing.run(() => this.renew(), signal);
    return `Bearer ${token}`;
  }

  refused(authorization: string): boolean {
    if (authorization === `Bearer ${this.accessToken}`) {
      this.accessToken = undefined;
      this.expiresAt = 0;
    }
    return true;
  }

  private async renew(): Promise<string> {
    if (this.refreshToken) {
      const refreshed = await this.grant({ grant_type: 'refresh_token', refresh_token: this.refreshToken });
      if (refreshed) return refreshed;
      this.settings.logger.info({ configurationId: this.settings.configurationId }, 'ServiceNow refused the refresh token; signing in again');
      this.refreshToken = undefined;
    }
    const token = await this.grant({ grant_type: 'password', username: this.settings.username, password: this.settings.password });
    if (!token) {
      throw new CrmError(`ServiceNow refused the OAuth credentials of configuration "${this.settings.configurationId}"`, 401);
    }
    return token;
  }

  /** One token request; undefined when ServiceNow refuses the grant (400/401). */
  private async grant(params: Record<string, string>): Promise<string | undefined> {
    const body = new URLSearchParams({ ...params, client_id: this.settings.clientId, client_secret: this.settings.clientSecret });
    let response: Response;
    try {
      response = await fetch(this.settings.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new CrmError(`could not reach the ServiceNow token endpoint of configuration "${this.settings.configurationId}" (${errorName(error)})`);
    }
    const json = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (response.status === 400 || response.status === 401) return undefined;
    if (!response.ok) {
      throw new CrmError(`the ServiceNow token endpoint of configuration "${this.settings.configurationId}" answered HTTP ${response.status}`, response.status);
    }
    if (typeof json.access_token !== 'string' || json.access_token === '') {
      throw new CrmError(`the ServiceNow token endpoint of configuration "${this.settings.configurationId}" answered without an access token`);
    }
    this.accessToken = json.access_token;
    if (typeof json.refresh_token === 'string' && json.refresh_token !== '') this.refreshToken = json.refresh_token;
    const seconds = Number(json.expires_in);
    this.expiresAt = this.settings.clock().getTime() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 1800) * 1000;
    this.settings.logger.debug({ configurationId: this.settings.configurationId, grant: params.grant_type, expiresInSeconds: seconds }, 'ServiceNow access token obtained');
    return json.access_token;
  }
}

function errorName(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'network error';
}
