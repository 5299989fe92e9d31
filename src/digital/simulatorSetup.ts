import type { Logger } from 'pino';
import type { Server } from 'restify';
import type { AppConfig } from '../config.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { ChatSimulator, type IntegrationIssuer } from './chatSimulator.js';
import { registerSimulatorBoxRoute } from './simulatorBoxRoute.js';
import type { SecretSource } from './simulatorSecrets.js';

/**
 * The chat simulator's parts, for product.ts: the simulator, and its box route (only when the simulator is on).
 */
export function createChatSimulator(deps: {
  config: AppConfig;
  unit: UnitOfWork;
  integrations: IntegrationIssuer;
  /** Where outbound secrets are read (the replies' delivery reads the same source): the box secret of this start is held there. */
  secrets: SecretSource;
  tellAgent: (agentId: string, text: string) => Promise<void>;
  logger: Logger;
  clock: () => Date;
}) {
  const { secrets } = deps;
  const logger = deps.logger.child({ part: 'chat simulator' });
  const simulator = new ChatSimulator({
    enabled: deps.config.acdSimulator,
    integrations: deps.integrations,
    secrets,
    domain: deps.config.digital.simulatorChatDomain,
    threadHolder: deps.unit.repos.digitalStatus.threadHolder,
    tellAgent: deps.tellAgent,
    logger,
    clock: deps.clock,
  });
  return {
    simulator,
    register(server: Server): void {
      if (deps.config.acdSimulator) registerSimulatorBoxRoute(server, { simulator, logger });
    },
    /** After the server listens: `baseUrl` is the app's own address. */
    start: (baseUrl: string) => simulator.start(baseUrl),
  };
}
