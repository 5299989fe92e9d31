import { ConfidentialClientApplication, InteractionRequiredAuthError, LogLevel, type INetworkModule } from '@azure/msal-node';
import type { Logger } from 'pino';
import type { OnBehalfOfConfig } from './tabConfig.js';

/** A token the server holds as the agent, for one resource. Never logged. */
export interface AgentToken {
  accessToken: string;
  expiresOn: Date | null;
}

/**
 * Why no token came: `consent_required` (the agent, or an admin for the tenant, must first consent to
 * the app using that resource on their behalf) or `failed` (Entra ID refused or could not be reached).
 * The message is safe to show and to log: it never holds a token.
 */
export class OnBehalfOfError extends Error {
  constructor(
    readonly code: 'consent_required' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'OnBehalfOfError';
  }
}

export interface OnBehalfOfOptions extends OnBehalfOfConfig {
  logger: Logger;
  /** How msal-node reaches Entra ID (a proxy, say); its own HTTP client by default. */
  networkClient?: INetworkModule;
}

/**
 * The on-behalf-of flow: exchanges the agent's Teams SSO token (the tab's, whose audience is this app) for
 * a token of the server's own to call another resource as that agent (a CRM's API, Microsoft Graph).
 * msal-node caches the tokens per agent and scope, and renews them. Configured from AAD_APP_CLIENT_ID,
 * SECRET_AAD_APP_CLIENT_SECRET and AAD_APP_OAUTH_AUTHORITY.
 */
export class OnBehalfOf {
  private readonly app: ConfidentialClientApplication;

  constructor(private readonly options: OnBehalfOfOptions) {
    const logger = options.logger;
    this.app = new ConfidentialClientApplication({
      auth: { clientId: options.clientId, clientSecret: options.clientSecret, authority: options.authority },
      system: {
        ...(options.networkClient ? { networkClient: options.networkClient } : {}),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii) return;
            if (level === LogLevel.Error) logger.error({ msal: message }, 'msal');
            else logger.warn({ msal: message }, 'msal');
          },
        },
      },
    });
  }

  /** A token for `scopes` (e.g. `https://org.crm.dynamics.com/user_impersonation`) as the agent whose SSO token this is. */
  async tokenFor(ssoToken: string, scopes: string[]): Promise<AgentToken> {
    let result;
    try {
      result = await this.app.acquireTokenOnBehalfOf({ oboAssertion: ssoToken, scopes });
    } catch (error) {
      const code = (error as { errorCode?: string }).errorCode ?? 'unknown';
      this.options.logger.warn({ errorCode: code, subError: (error as { subError?: string }).subError, scopes }, 'on-behalf-of token refused');
      if (error instanceof InteractionRequiredAuthError || /consent_required|AADSTS65001/.test(`${code} ${(error as Error).message}`)) {
        throw new OnBehalfOfError('consent_required', `Consent is needed before this app can reach ${scopes.join(', ')} on your behalf. Ask your admin to grant it for the tenant.`);
      }
      throw new OnBehalfOfError('failed', `Microsoft Entra ID did not give a token for ${scopes.join(', ')} (${code}).`);
    }
    if (!result?.accessToken) throw new OnBehalfOfError('failed', `Microsoft Entra ID gave no token for ${scopes.join(', ')}.`);
    return { accessToken: result.accessToken, expiresOn: result.expiresOn };
  }
}
