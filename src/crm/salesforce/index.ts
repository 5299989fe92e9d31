import type { z } from 'zod';
import { requireSecret, type ConnectorDeps } from '../connectorDeps.js';
import type { CrmConnector } from '../port.js';
import { SalesforceTokenSource, type AuthSecrets } from './auth.js';
import { salesforceConnectorSchema, type SalesforceAuthConfig } from './config.js';
import { readPrivateKey } from './jwtAssertion.js';
import { SalesforceConnector } from './salesforceConnector.js';

export { salesforceConnectorSchema, type SalesforceConnectorConfig } from './config.js';

/**
 * The connector of one Salesforce CRM configuration. Reads its secrets from the environment now (a missing
 * one stops the start, naming the variable) and calls Salesforce only when a workflow runs.
 */
export function createSalesforceConnector(config: z.input<typeof salesforceConnectorSchema>, configurationId: string, deps: ConnectorDeps): CrmConnector {
  const parsed = salesforceConnectorSchema.parse(config);
  const { secrets, values } = readSecrets(parsed.auth, configurationId, deps);
  const logger = deps.logger.child({ crm: 'salesforce', configurationId });
  const tokens = new SalesforceTokenSource({
    auth: parsed.auth,
    secrets,
    instanceUrl: parsed.instanceUrl,
    configurationId,
    retry: parsed.retry,
    logger,
    clock: deps.clock,
  });
  return new SalesforceConnector({
    config: parsed,
    configurationId,
    tokens,
    secretValues: values,
    defaultRegion: deps.defaultRegion,
    clock: deps.clock,
    logger,
  });
}

function readSecrets(auth: SalesforceAuthConfig, configurationId: string, deps: ConnectorDeps): { secrets: AuthSecrets; values: string[] } {
  switch (auth.kind) {
    case 'clientCredentials': {
      const clientSecret = requireSecret(deps, auth.clientSecretEnv, configurationId);
      return { secrets: { kind: 'clientCredentials', clientSecret }, values: [clientSecret] };
    }
    case 'password': {
      const clientSecret = requireSecret(deps, auth.clientSecretEnv, configurationId);
      const password = requireSecret(deps, auth.passwordEnv, configurationId);
      const securityToken = auth.securityTokenEnv ? requireSecret(deps, auth.securityTokenEnv, configurationId) : '';
      return {
        secrets: { kind: 'password', clientSecret, password, securityToken },
        values: [clientSecret, password + securityToken, password, securityToken],
      };
    }
    case 'jwtBearer': {
      const pem = requireSecret(deps, auth.privateKeyEnv, configurationId);
      const privateKey = readPrivateKey(pem, auth.privateKeyEnv);
      // The key's base64 lines, so that no fragment of it can survive in a message.
      const lines = pem
        .replace(/\\n/g, '\n')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 16 && !l.startsWith('-----'));
      return { secrets: { kind: 'jwtBearer', privateKey }, values: lines };
    }
  }
}
