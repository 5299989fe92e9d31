import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { CrmConnector } from './crm/port.js';
import { createConnectors } from './crm/registry.js';
import type { Database } from './store/schema.js';
import { WorkflowEngine } from './workflows/engine.js';

/**
 * The workflow engine over the configured CRMs: each configuration's connector built once (the embedded CRM
 * on the app's own database). `wrapConnector` stands around each connector (tests: a CRM slow to answer).
 */
export async function createCrmEngine(
  config: Pick<AppConfig, 'crm' | 'defaultRegion'>,
  deps: { db: Kysely<Database>; clock: () => Date; logger: Logger; wrapConnector?: (connector: CrmConnector) => CrmConnector },
): Promise<WorkflowEngine> {
  const built = await createConnectors(config.crm.configurations, {
    db: deps.db, // for the embedded CRM only
    clock: deps.clock,
    defaultRegion: config.defaultRegion,
    secret: (name) => process.env[name],
    logger: deps.logger.child({ part: 'crm' }),
  });
  const { wrapConnector } = deps;
  const wrapped = new Map<CrmConnector, CrmConnector>();
  const connectorFor: typeof built = wrapConnector
    ? (configuration) => {
        const connector = built(configuration);
        if (!wrapped.has(connector)) wrapped.set(connector, wrapConnector(connector));
        return wrapped.get(connector)!;
      }
    : built;
  return new WorkflowEngine({
    configurations: config.crm,
    connectorFor,
    logger: deps.logger.child({ part: 'workflows' }),
    defaultRegion: config.defaultRegion,
    clock: deps.clock,
  });
}
