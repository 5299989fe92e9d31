import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { CardPoster } from '../interactions/contactEvents.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import type { DigitalConfig } from './digitalConfig.js';
import type { MessageIntake } from './ports.js';
import { createThreadIntake } from './threadIntake.js';
import { createThreadRouter, type RunningThreadRouter } from './threadRouting.js';

export interface DigitalThreads {
  intake: MessageIntake;
  router: RunningThreadRouter;
}

/** The threads of digital channels, wired: intake → routing (whose queue drains when an agent becomes Available). */
export function createDigitalThreads(deps: {
  unit: UnitOfWork;
  engine: WorkflowEngine;
  agents: AgentService;
  cards: Pick<CardQuery, 'currentView'>;
  poster: CardPoster;
  events: InteractionEvents;
  config: DigitalConfig;
  defaultRegion: string;
  logger: Logger;
  clock: () => Date;
}): DigitalThreads {
  const router = createThreadRouter(deps);
  deps.agents.onStateSetByAgent((_agentId, state) => {
    if (state === 'Available') router.wake();
  });
  const intake = createThreadIntake({ ...deps, router });
  return { intake, router };
}
