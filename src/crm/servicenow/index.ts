import { requireSecret, type ConnectorDeps } from '../connectorDeps.js';
import type { CrmConnector } from '../port.js';
import { BasicAuth, OAuthPasswordAuth, type ServiceNowAuth } from './auth.js';
import type { ServiceNowConnectorConfig } from './config.js';
import { ServiceNowClient } from './http.js';
import { ServiceNowConnector } from './servicenowConnector.js';

export { servicenowConnectorSchema, type ServiceNowConnectorConfig } from './config.js';

/**
 * Builds the ServiceNow connector of a configuration: secrets resolved by name now (a missing one stops the
 * start), nothing called until the first workflow runs.
 */
export function createServiceNowConnector(config: ServiceNowConnectorConfig, configurationId: string, deps: ConnectorDeps): CrmConnector {
  const logger = deps.logger.child({ crm: 'servicenow', configurationId });
  const secret = (name: string) => requireSecret(deps, name, configurationId);
  const instance = new URL(config.instanceUrl);
  let auth: ServiceNowAuth;
  if (config.auth.kind === 'basic') {
    auth = new BasicAuth(secret(config.auth.usernameEnv), secret(config.auth.passwordEnv));
  } else {
    auth = new OAuthPasswordAuth({
      tokenUrl: `${instance.origin}/oauth_token.do`,
      clientId: config.auth.clientId,
      clientSecret: secret(config.auth.clientSecretEnv),
      username: secret(config.auth.usernameEnv),
      password: secret(config.auth.passwordEnv),
      configurationId,
      clock: deps.clock,
      logger,
    });
  }
  const client = new ServiceNowClient({
    instanceUrl: config.instanceUrl,
    apiVersion: config.apiVersion,
    configurationId,
    auth,
    logger,
    retry: config.retry,
    clock: deps.clock,
  });
  return new ServiceNowConnector({
    client,
    configurationId,
    defaultRegion: deps.defaultRegion,
    searchUsers: config.searchUsers,
    pageSize: config.pageSize,
    maxScan: config.maxScan,
    logger,
    clock: deps.clock,
  });
}
