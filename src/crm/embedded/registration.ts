import { z } from 'zod';
import type { ConnectorRegistration, EmbeddedDeps } from '../connectorRegistration.js';

const embeddedConnectorSchema = z.object({ type: z.literal('embedded') }).strict();

/** The embedded CRM: its records live in the product's database, the one connector that is given it. */
export const embeddedRegistration: ConnectorRegistration<typeof embeddedConnectorSchema, EmbeddedDeps> = {
  type: 'embedded',
  configurationSchema: embeddedConnectorSchema,
  load: async () => {
    const { EmbeddedConnector } = await import('./embeddedConnector.js');
    return (_config, _configurationId, deps) => new EmbeddedConnector(deps.db, deps.clock, deps.defaultRegion);
  },
};
