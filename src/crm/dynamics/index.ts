import type { AgentOptions } from 'node:https';
import { requireSecret, type ConnectorDeps } from '../connectorDeps.js';
import type { CrmConnector } from '../port.js';
import type { DynamicsConnectorConfig } from './config.js';
import { DataverseClient } from './dataverseClient.js';
import { DynamicsConnector } from './dynamicsConnector.js';
import { DEFAULT_PHONE_COLUMNS } from './phoneSearch.js';
import { MsalTokenSource } from './tokens.js';

export { dynamicsConnectorSchema, type DynamicsConnectorConfig } from './config.js';

/** How the connector reaches the sign-in service when the machine's defaults do not do (e.g. a private CA). */
export interface DynamicsNetworkOptions {
  signInAgentOptions?: AgentOptions;
}

/**
 * The connector of a Dynamics 365 / Dataverse configuration. Resolves the client secret now (a missing one
 * stops the start, naming the variable) and builds the clients; nothing is sent until the first call.
 */
export function createDynamicsConnector(config: DynamicsConnectorConfig, configurationId: string, deps: ConnectorDeps, network: DynamicsNetworkOptions = {}): CrmConnector {
  const clientSecret = requireSecret(deps, config.auth.clientSecretEnv, configurationId);
  const logger = deps.logger.child({ crm: 'dynamics', configurationId });
  const tokens = new MsalTokenSource({
    configurationId,
    tenantId: config.auth.tenantId,
    clientId: config.auth.clientId,
    clientSecret,
    authorityHost: config.auth.authorityHost,
    serverUrl: config.serverUrl,
    logger,
    agentOptions: network.signInAgentOptions,
  });
  const client = new DataverseClient({
    configurationId,
    // With the slash, an environment URL with a path (on-premises: https://crm.contoso.com/org) keeps it.
    serverUrl: `${config.serverUrl}/`,
    apiVersion: config.apiVersion,
    requestTimeoutMs: config.requestTimeoutMs,
    retry: config.retry,
    tokens,
    logger,
  });
  return new DynamicsConnector({
    client,
    defaultRegion: deps.defaultRegion,
    pageSize: config.pageSize,
    timeline: config.timeline,
    phoneColumns: {
      account: config.phoneColumns.account ?? DEFAULT_PHONE_COLUMNS.account,
      contact: config.phoneColumns.contact ?? DEFAULT_PHONE_COLUMNS.contact,
      lead: config.phoneColumns.lead ?? DEFAULT_PHONE_COLUMNS.lead,
    },
    logger,
  });
}
