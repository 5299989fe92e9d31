import type { AgentOptions } from 'node:https';
import { AuthError, ConfidentialClientApplication, ServerError } from '@azure/msal-node';
import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import { SingleFlight } from '../shared/httpKit/singleFlight.js';

export interface TokenSourceOptions {
  configurationId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The Microsoft Entra sign-in service, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  /** The Dataverse environment the token is for; its scope is `<serverUrl>/.default`. */
  serverUrl: string;
  logger: Logger;
  /** TLS options for reaching the sign-in service (a private certificate authority, for instance). */
  agentOptions?: AgentOptions;
}

/** Entra ID errors that mean the configuration's credentials (or app registration) were refused. */
const REFUSED = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant', 'invalid_request', 'invalid_resource', 'invalid_scope']);

/**
 * Access tokens for the Dataverse Web API by the client-credentials flow of an application user (MSAL).
 * MSAL caches a token until shortly before it expires; `invalidate()` makes the next call fetch a new one
 * (Dataverse answered 401: the token was revoked or expired early). Neither the secret nor a token ever
 * reaches an error message or a log line.
 */
export class MsalTokenSource {
  private readonly app: ConfidentialClientApplication;
  private readonly scope: string;
  private forceRefresh = false;
  /** Forced refreshes done: calls refused together with one old token cause one refresh, not one each. */
  renewals = 0;
  /** One forced refresh at a time: requests refused together share the new token. */
  private readonly refreshing = new SingleFlight<string>();

  constructor(private readonly options: TokenSourceOptions) {
    const host = new URL(options.authorityHost).host;
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: `${options.authorityHost}/${options.tenantId}`,
        // The host is trusted as given: no instance discovery call to the public cloud.
        knownAuthorities: [host],
      },
      system: options.agentOptions ? { customAgentOptions: options.agentOptions } : {},
    });
    this.scope = `${options.serverUrl}/.default`;
  }

  /** A valid access token (cached, or new after `invalidate()`). */
  async getToken(): Promise<string> {
    if (!this.forceRefresh) return this.acquire(false);
    return this.refreshing.run(() => this.acquire(true));
  }

  /** The next `getToken()` asks the sign-in service for a new token, unless one was got since `renewalsSeen`. */
  invalidate(renewalsSeen: number): void {
    if (renewalsSeen === this.renewals) this.forceRefresh = true;
  }

  private async acquire(skipCache: boolean): Promise<string> {
    let token: string | undefined;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [this.scope], skipCache });
      token = result?.accessToken;
    } catch (error) {
      throw this.describe(error);
    }
    if (!token) throw new CrmError(`Microsoft Entra ID returned no access token for configuration "${this.options.configurationId}"`);
    if (skipCache) {
      this.forceRefresh = false;
      this.renewals++;
    }
    return token;
  }

  /** An Entra ID failure as a CrmError that names the configuration and the error code, never the secret. */
  private describe(error: unknown): CrmError {
    const id = this.options.configurationId;
    if (error instanceof ServerError || (error instanceof AuthError && REFUSED.has(error.errorCode))) {
      const code = (error as AuthError).errorCode;
      // AADSTS codes (e.g. AADSTS7000215: wrong secret) help the admin and hold no secret.
      const aadsts = /AADSTS\d+/.exec((error as AuthError).errorMessage ?? '')?.[0];
      this.options.logger.warn({ configurationId: id, code, aadsts }, 'Microsoft Entra ID refused the Dynamics 365 credentials');
      return new CrmError(`Microsoft Entra ID refused the credentials of configuration "${id}" (${[code, aadsts].filter(Boolean).join(', ')}): check the tenant, client ID and client secret`, 401);
    }
    const code = error instanceof AuthError ? error.errorCode : 'unknown';
    this.options.logger.warn({ configurationId: id, code }, 'could not get a Dynamics 365 access token');
    return new CrmError(`Could not get an access token from ${this.options.authorityHost} for configuration "${id}" (${code})`);
  }
}
