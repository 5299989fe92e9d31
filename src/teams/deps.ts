import type { Logger } from 'pino';
import type { AcdSimulator } from '../acd/simulator.js';
import type { AgentService } from '../agents/agentService.js';
import type { InteractionService } from '../interactions/interactionService.js';

/** What the bot's features need: the services (which know nothing of Teams) and a logger. */
export interface BotDeps {
  agents: AgentService;
  interactions: InteractionService;
  acd: AcdSimulator;
  logger: Logger;
  clock: () => Date;
}
