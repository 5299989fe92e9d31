import pino from 'pino';
import { AgentService } from '../../src/agents/agentService.js';
import { seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import type { CrmConnector } from '../../src/crm/port.js';
import { createDigitalReplies, type DigitalRepliesParts } from '../../src/digital/repliesWiring.js';
import { InteractionEvents } from '../../src/interactions/interactionEvents.js';
import { createInteractionServices } from '../../src/interactions/interactionServices.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { ThreadOutcomes } from '../../src/digital/threadOutcomes.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { TableRouter } from '../digital/tableRouter.js';
import type { TestStore } from './stores.js';

/**
 * The product's services over a test store, without Teams: for tests of what a handler calls. `wrap` lets
 * a test put a CRM double around the embedded CRM (a slow one, a failing one).
 */
export async function buildServices(
  store: TestStore,
  options: { wrap?: (crm: CrmConnector) => CrmConnector; replies?: Partial<Pick<DigitalRepliesParts, 'maxAttempts' | 'delivery' | 'logger'>> } = {},
) {
  const logger = pino({ level: 'silent' });
  await seedDemoData(store.db, new Date());
  const embedded = new EmbeddedConnector(store.db);
  const connector = options.wrap ? options.wrap(embedded) : embedded;
  const engine = new WorkflowEngine({
    configurations: loadCrmConfigurations('config/crm-configurations.json'),
    connectorFor: () => connector,
    logger,
    defaultRegion: 'US',
  });
  const events = new InteractionEvents(() => undefined);
  const unit = new UnitOfWork(store.db);
  const agents = new AgentService({ unit, reasonCodes: ['Lunch'], supervisorIds: [], clock: () => new Date() });
  const services = createInteractionServices({
    unit,
    engine,
    logger,
    defaultRegion: 'US',
    dispositions: ['Resolved'],
    onJobsQueued: () => undefined,
    events,
  });
  // Agents' digital replies; their delivery worker stays idle (a test drains it, or starts it with its own box).
  const { replies, delivery: replyDelivery } = createDigitalReplies({
    db: store.db,
    unit,
    cards: services.cards,
    events,
    logger: options.replies?.logger ?? logger,
    clock: () => new Date(),
    maxAttempts: options.replies?.maxAttempts ?? 8,
    secret: (name) => process.env[name],
    delivery: options.replies?.delivery,
  });
  // Digital outcomes over a router double that routes to nobody (a conversation let go waits in the queue).
  const threads = new ThreadOutcomes({ unit, engine, router: new TableRouter(store.db, []), cards: services.cards, events, onJobsQueued: () => undefined, logger });
  return { logger, engine, events, agents, ...services, replies, replyDelivery, threads, embedded };
}
