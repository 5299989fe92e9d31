import { requireSecret, type ConnectorDeps } from '../connectorDeps.js';
import type { ZendeskAuthConfig } from './config.js';

/** What node-zendesk needs to authenticate: basic "{email}/token:{token}" or an OAuth bearer token. */
export interface ZendeskClientCredentials {
  username?: string;
  token: string;
  oauth: boolean;
}

/**
 * The credentials of one configuration. Zendesk API tokens (and OAuth access tokens issued by the Zendesk
 * API) do not expire: there is nothing to refresh. What can happen is that an admin rotates the token in the
 * environment; so after a 401 the secret is read again and, when it changed, the call is tried once more.
 * The secret is never logged and never put in a message.
 */
export class ZendeskCredentials {
  private token: string;

  constructor(
    private readonly auth: ZendeskAuthConfig,
    private readonly deps: Pick<ConnectorDeps, 'secret'>,
    private readonly configurationId: string,
  ) {
    this.token = requireSecret(deps, this.secretName, configurationId);
  }

  current(): ZendeskClientCredentials {
    return this.auth.kind === 'api-token' ? { username: this.auth.email, token: this.token, oauth: false } : { token: this.token, oauth: true };
  }

  /** Reads the secret again after a refusal; true when it changed, so one more try is worth it. */
  renew(): boolean {
    const fresh = this.deps.secret(this.secretName);
    if (!fresh || fresh === this.token) return false;
    this.token = fresh;
    return true;
  }

  /** Why a 401 is final, for the admin who reads the error (names the variable, never its value). */
  describeRefusal(): string {
    const who = this.auth.kind === 'api-token' ? `the API token in ${this.auth.apiTokenEnv} for agent ${this.auth.email}` : `the OAuth access token in ${this.auth.accessTokenEnv}`;
    return (
      `Zendesk refused the credentials of configuration "${this.configurationId}" (${who}). ` +
      'Zendesk tokens do not expire, so the token was deleted or deactivated, token access is turned off, ' +
      'or it does not belong to that agent; an admin must set a valid token.'
    );
  }

  private get secretName(): string {
    return this.auth.kind === 'api-token' ? this.auth.apiTokenEnv : this.auth.accessTokenEnv;
  }
}
