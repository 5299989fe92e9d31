import type { KeyObject } from 'node:crypto';
import { OAuth2, type TokenResponse } from 'jsforce';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import type { SalesforceAuthConfig } from './config.js';
import type { RetryPolicy } from '../shared/httpKit/retryConfig.js';
import { SingleFlight } from '../shared/httpKit/singleFlight.js';
import { signJwtAssertion } from './jwtAssertion.js';
import { SalesforceTransport, type AccessTokens } from './transport.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_TIMEOUT_MS = 30_000;

/** The secrets an auth kind needs, already read from the environment. */
export type AuthSecrets =
  { kind: 'clientCredentials'; clientSecret: string } | { kind: 'jwtBearer'; privateKey: KeyObject } | { kind: 'password'; clientSecret: string; password: string; securityToken: string };

export interface TokenSourceOptions {
  auth: SalesforceAuthConfig;
  secrets: AuthSecrets;
  instanceUrl: string;
  configurationId: string;
  retry: RetryPolicy;
  logger: Logger;
  clock: () => Date;
}

/**
 * The access token of one CRM configuration, got with jsforce's OAuth2 by the configured flow (client
 * credentials, JWT bearer or username-password). One request at a time: callers that need a token while
 * one is being fetched share that request; a token Salesforce refused is dropped only if it is still the
 * current one, so ten calls that fail together cause one new token, not ten.
 */
export class SalesforceTokenSource implements AccessTokens {
  private current: string | undefined;
  private readonly fetching = new SingleFlight<string>();

  constructor(private readonly options: TokenSourceOptions) {}

  token(signal: AbortSignal): Promise<string> {
    if (this.current) return Promise.resolve(this.current);
    return this.fetching.run(() => this.fetchToken(), signal);
  }

  invalidate(token: string): void {
    if (this.current === token) this.current = undefined;
  }

  /** The token in use, so that error texts can be scrubbed of it. */
  currentToken(): string | undefined {
    return this.current;
  }

  /** Where tokens are asked for: the configured login URL, else the instance for client credentials, else login.salesforce.com. */
  get loginUrl(): string {
    const { auth, instanceUrl } = this.options;
    return auth.loginUrl ?? (auth.kind === 'clientCredentials' ? instanceUrl : 'https://login.salesforce.com');
  }

  private async fetchToken(): Promise<string> {
    const { auth, logger, configurationId } = this.options;
    const transport = new SalesforceTransport({
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      retry: this.options.retry,
      logger,
      clock: this.options.clock,
    });
    let response: TokenResponse;
    try {
      response = await this.requestToken(transport);
    } catch (error) {
      throw this.tokenError(error, transport.lastStatus);
    }
    if (typeof response?.access_token !== 'string' || response.access_token === '') {
      throw new CrmError(`Salesforce's token endpoint answered without an access token for configuration "${configurationId}"`, 502);
    }
    logger.info({ grant: auth.kind }, 'Salesforce access token obtained');
    this.current = response.access_token;
    return response.access_token;
  }

  private requestToken(transport: SalesforceTransport): Promise<TokenResponse> {
    const { auth, secrets } = this.options;
    const loginUrl = this.loginUrl;
    switch (secrets.kind) {
      case 'clientCredentials': {
        const oauth2 = new OAuth2({ loginUrl, clientId: auth.clientId, clientSecret: secrets.clientSecret });
        oauth2._transport = transport.asJsforce();
        return oauth2.requestToken({ grant_type: 'client_credentials' });
      }
      case 'password': {
        if (auth.kind !== 'password') throw new Error('auth kind and secrets disagree');
        const oauth2 = new OAuth2({ loginUrl, clientId: auth.clientId, clientSecret: secrets.clientSecret });
        oauth2._transport = transport.asJsforce();
        return oauth2.authenticate(auth.username, secrets.password + secrets.securityToken);
      }
      case 'jwtBearer': {
        if (auth.kind !== 'jwtBearer') throw new Error('auth kind and secrets disagree');
        // No client id or secret on this request: the signed assertion is the credential.
        const oauth2 = new OAuth2({ loginUrl });
        oauth2._transport = transport.asJsforce();
        const assertion = signJwtAssertion({ clientId: auth.clientId, username: auth.username, audience: auth.audience ?? jwtAudience(loginUrl), now: this.options.clock() }, secrets.privateKey);
        return oauth2.requestToken({ grant_type: JWT_BEARER, assertion });
      }
    }
  }

  /** A failed token request as the CrmError the engine turns into a branch; never carries a secret. */
  private tokenError(error: unknown, status: number | undefined): CrmError {
    const { configurationId } = this.options;
    if (error instanceof CrmError) return error;
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new CrmError(`Salesforce's token endpoint did not answer within ${TOKEN_TIMEOUT_MS / 1000} s`);
    }
    if (status !== undefined && (status >= 500 || status === 429)) {
      return new CrmError(`Salesforce's token endpoint failed (HTTP ${status})`, status);
    }
    // jsforce names the error after the OAuth "error" code and carries "error_description" as the message.
    const code = error instanceof Error && /^[a-z_]{3,40}$/.test(error.name) ? error.name : undefined;
    const description = code && error instanceof Error ? ` ${cleanDescription(error.message)}` : '';
    return new CrmError(`Salesforce refused the credentials of configuration "${configurationId}"${code ? ` (${code}:${description})` : status ? ` (HTTP ${status})` : ''}`, 401);
  }
}

/** The JWT audience Salesforce expects for a login server: test.salesforce.com for sandboxes, else login. */
export function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  return host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** Salesforce's error_description is short prose ("authentication failure"); anything else is dropped. */
function cleanDescription(text: string): string {
  return /^[\w .,'()-]{1,120}$/.test(text) ? text : 'see the token endpoint answer';
}
