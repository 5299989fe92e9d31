import type { ConnectorRegistration } from '../connectorRegistration.js';
import { zendeskConnectorSchema } from './config.js';

/** Zendesk: its configuration schema now (light: zod only), its code and client library when a configuration names it. */
export const zendeskRegistration: ConnectorRegistration<typeof zendeskConnectorSchema> = {
  type: 'zendesk',
  configurationSchema: zendeskConnectorSchema,
  load: async () => (await import('./index.js')).createZendeskConnector,
};
