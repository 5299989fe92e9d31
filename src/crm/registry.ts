import { z } from 'zod';
import type { ConnectorDeps } from './connectorDeps.js';
import type { ConnectorFactory, EmbeddedDeps } from './connectorRegistration.js';
import { dynamicsRegistration } from './dynamics/registration.js';
import { embeddedRegistration } from './embedded/registration.js';
import type { CrmConnector } from './port.js';
import { salesforceRegistration } from './salesforce/registration.js';
import { servicenowRegistration } from './servicenow/registration.js';
import { zendeskRegistration } from './zendesk/registration.js';

/** Every CRM the product speaks to: the one place that names them. */
const REMOTE = [salesforceRegistration, dynamicsRegistration, servicenowRegistration, zendeskRegistration] as const;

/** The connector block of a CRM configuration: which CRM, where, and how to sign in (secrets by environment variable name). */
export const connectorConfigurationSchema = z.discriminatedUnion(
  'type',
  [
    embeddedRegistration.configurationSchema,
    salesforceRegistration.configurationSchema,
    dynamicsRegistration.configurationSchema,
    servicenowRegistration.configurationSchema,
    zendeskRegistration.configurationSchema,
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === 'invalid_union_discriminator' ? { message: `type must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` } : { message: ctx.defaultError },
  },
);
export type ConnectorConfiguration = z.infer<typeof connectorConfigurationSchema>;

/** What the registry needs of a CRM configuration. */
export interface ConnectorConfigurationOf {
  id: string;
  connector: ConnectorConfiguration;
}

/**
 * Builds the connector of a CRM configuration. Called once per configuration, at start. A remote CRM's code
 * (and its library: jsforce, dynamics-web-api with @azure/msal-node, node-zendesk) is imported only when a
 * configuration names it; the default deployment, with the embedded CRM only, loads none of them. Only the
 * embedded CRM is given the database.
 */
export async function createConnector(configuration: ConnectorConfigurationOf, deps: EmbeddedDeps): Promise<CrmConnector> {
  const { connector, id } = configuration;
  if (connector.type === 'embedded') return (await embeddedRegistration.load())(connector, id, deps);
  const registration = REMOTE.find((r) => r.type === connector.type);
  if (!registration) throw new Error(`no CRM connector of type "${connector.type}"`);
  // The schema union matched this block to this registration's schema by its type.
  const factory = (await registration.load()) as ConnectorFactory<ConnectorConfiguration>;
  const { db: _db, ...remoteDeps } = deps;
  return factory(connector, id, remoteDeps satisfies ConnectorDeps);
}

/**
 * One connector per configuration, built at start (in the configurations' order) so that a missing secret
 * stops the start; the returned lookup is synchronous.
 */
export async function createConnectors<C extends ConnectorConfigurationOf>(configurations: readonly C[], deps: EmbeddedDeps): Promise<(configuration: C) => CrmConnector> {
  const byId = new Map<string, CrmConnector>();
  for (const configuration of configurations) byId.set(configuration.id, await createConnector(configuration, deps));
  return (configuration) => {
    const connector = byId.get(configuration.id);
    if (!connector) throw new Error(`no connector for configuration "${configuration.id}"`);
    return connector;
  };
}
