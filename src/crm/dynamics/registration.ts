import type { ConnectorRegistration } from '../connectorRegistration.js';
import { dynamicsConnectorSchema } from './config.js';

/** Dynamics: its configuration schema now (light: zod only), its code and client library when a configuration names it. */
export const dynamicsRegistration: ConnectorRegistration<typeof dynamicsConnectorSchema> = {
  type: 'dynamics',
  configurationSchema: dynamicsConnectorSchema,
  load: async () => (await import('./index.js')).createDynamicsConnector,
};
