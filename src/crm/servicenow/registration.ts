import type { ConnectorRegistration } from '../connectorRegistration.js';
import { servicenowConnectorSchema } from './config.js';

/** ServiceNow: its configuration schema now (light: zod only), its code and client library when a configuration names it. */
export const servicenowRegistration: ConnectorRegistration<typeof servicenowConnectorSchema> = {
  type: 'servicenow',
  configurationSchema: servicenowConnectorSchema,
  load: async () => (await import('./index.js')).createServiceNowConnector,
};
