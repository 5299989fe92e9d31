import type { Logger } from 'pino';
import type { AcdSimulator } from '../acd/simulator.js';
import type { AgentService } from '../agents/agentService.js';
import type { ActivityDeliveries } from '../delivery/activityDeliveries.js';
import type { Kysely } from 'kysely';
import type { CardMessageSends } from '../interactions/cardMessageSends.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { InteractionServices } from '../interactions/interactionServices.js';
import type { Database } from '../store/schema.js';

/** What the bot's features need: the services (which know nothing of Teams) and a logger. */
export interface BotDeps extends InteractionServices {
  agents: AgentService;
  acd: AcdSimulator;
  events: InteractionEvents;
  /** Which activities were delivered already (Teams re-sends after a slow answer). */
  deliveries: ActivityDeliveries;
  db: Kysely<Database>;
  logger: Logger;
  /** What the card message shows (see AppConfig.cardMessageView). */
  cardMessageView: 'shared' | 'owner';
  clock: () => Date;
  /** How card message updates are ordered against other instances' (absent: this process alone). */
  cardSends?: CardMessageSends;
}
