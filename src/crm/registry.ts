import type { CrmConfiguration } from '../workflows/configuration.js';
import type { ConnectorDeps } from './connectorDeps.js';
import { EmbeddedConnector } from './embedded/embeddedConnector.js';
import type { CrmConnector } from './port.js';
import { createDynamicsConnector } from './dynamics/index.js';
import { createSalesforceConnector } from './salesforce/index.js';
import { createServiceNowConnector } from './servicenow/index.js';
import { createZendeskConnector } from './zendesk/index.js';

/** Builds the connector of a CRM configuration. Called once per configuration, at start. */
export function createConnector(configuration: CrmConfiguration, deps: ConnectorDeps): CrmConnector {
  const { connector } = configuration;
  switch (connector.type) {
    case 'embedded':
      return new EmbeddedConnector(deps.db, deps.clock, deps.defaultRegion);
    case 'salesforce':
      return createSalesforceConnector(connector, configuration.id, deps);
    case 'dynamics':
      return createDynamicsConnector(connector, configuration.id, deps);
    case 'servicenow':
      return createServiceNowConnector(connector, configuration.id, deps);
    case 'zendesk':
      return createZendeskConnector(connector, configuration.id, deps);
  }
}

/** One connector per configuration, built eagerly so that a missing secret stops the start. */
export function createConnectors(configurations: readonly CrmConfiguration[], deps: ConnectorDeps): (configuration: CrmConfiguration) => CrmConnector {
  const byId = new Map(configurations.map((c) => [c.id, createConnector(c, deps)]));
  return (configuration) => {
    const connector = byId.get(configuration.id);
    if (!connector) throw new Error(`no connector for configuration "${configuration.id}"`);
    return connector;
  };
}
