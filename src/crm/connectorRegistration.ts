import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../store/schema.js';
import type { ConnectorDeps } from './connectorDeps.js';
import type { CrmConnector } from './port.js';

/** Builds the connector of one configuration's connector block (already validated by its schema). */
export type ConnectorFactory<Config, Deps = ConnectorDeps> = (config: Config, configurationId: string, deps: Deps) => CrmConnector;

/** What the embedded CRM needs besides ConnectorDeps: the product's database, where its records live. */
export type EmbeddedDeps = ConnectorDeps & { db: Kysely<Database> };

/**
 * How a CRM makes itself known: its connector `type`, the schema of its connector block, and a loader that
 * imports its code only when a configuration names it (vendor libraries cost tens of MB and hundreds of ms
 * to load). A new CRM is one folder with one of these, listed in registry.ts.
 */
export interface ConnectorRegistration<Schema extends z.ZodTypeAny, Deps = ConnectorDeps> {
  type: z.infer<Schema>['type'];
  configurationSchema: Schema;
  load: () => Promise<ConnectorFactory<z.infer<Schema>, Deps>>;
}
