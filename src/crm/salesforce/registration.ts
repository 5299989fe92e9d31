import type { ConnectorRegistration } from '../connectorRegistration.js';
import { salesforceConnectorSchema } from './config.js';

/** Salesforce: its configuration schema now (light: zod only), its code and client library when a configuration names it. */
export const salesforceRegistration: ConnectorRegistration<typeof salesforceConnectorSchema> = {
  type: 'salesforce',
  configurationSchema: salesforceConnectorSchema,
  load: async () => (await import('./index.js')).createSalesforceConnector,
};
