import type { CrmConfiguration } from '../workflows/configuration.js';
import type { ConnectorDeps } from './connectorDeps.js';
import { EmbeddedConnector } from './embedded/embeddedConnector.js';
import type { CrmConnector } from './port.js';

/**
 * Builds the connector of a CRM configuration. Called once per configuration, at start.
 *
 * Each remote adapter is imported only when a configuration names its type: their libraries (jsforce,
 * dynamics-web-api with @azure/msal-node, node-zendesk) cost a process tens of MB and hundreds of ms to
 * load, and the default deployment, with the embedded CRM only, uses none of them.
 */
export async function createConnector(configuration: CrmConfiguration, deps: ConnectorDeps): Promise<CrmConnector> {
  const { connector } = configuration;
  switch (connector.type) {
    case 'embedded':
      return new EmbeddedConnector(deps.db, deps.clock, deps.defaultRegion);
    case 'salesforce': {
      const { createSalesforceConnector } = await import('./salesforce/index.js');
      return createSalesforceConnector(connector, configuration.id, deps);
    }
    case 'dynamics': {
      const { createDynamicsConnector } = await import('./dynamics/index.js');
      return createDynamicsConnector(connector, configuration.id, deps);
    }
    case 'servicenow': {
      const { createServiceNowConnector } = await import('./servicenow/index.js');
      return createServiceNowConnector(connector, configuration.id, deps);
    }
    case 'zendesk': {
      const { createZendeskConnector } = await import('./zendesk/index.js');
      return createZendeskConnector(connector, configuration.id, deps);
    }
  }
}

/**
 * One connector per configuration, built at start (in the configurations' order) so that a missing secret
 * stops the start; the returned lookup is synchronous.
 */
export async function createConnectors(
  configurations: readonly CrmConfiguration[],
  deps: ConnectorDeps,
): Promise<(configuration: CrmConfiguration) => CrmConnector> {
  const byId = new Map<string, CrmConnector>();
  for (const configuration of configurations) byId.set(configuration.id, await createConnector(configuration, deps));
  return (configuration) => {
    const connector = byId.get(configuration.id);
    if (!connector) throw new Error(`no connector for configuration "${configuration.id}"`);
    return connector;
  };
}
