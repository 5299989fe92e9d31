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
import { ThreadOutcomes } from './threadOutcomes.js';
import { createThreadRouter, type RunningThreadRouter } from './threadRouting.js';

export interface DigitalThreads {
  intake: MessageIntake;
  router: RunningThreadRouter;
  /** Status, tags, notes, and letting a thread go (transfer, unassign, dismiss), firing the digital trigger. */
  outcomes: ThreadOutcomes;
}

/** The threads of digital channels, wired: intake → routing (whose queue drains when an agent becomes Available) → outcomes. */
export function createDigitalThreads(deps: {
  unit: UnitOfWork;
  engine: WorkflowEngine;
  agents: AgentService;
  cards: Pick<CardQuery, 'view' | 'currentView'>;
  poster: CardPoster;
  events: InteractionEvents;
  config: DigitalConfig;
  defaultRegion: string;
  logger: Logger;
  clock: () => Date;
  /** Called after a commit that queued timeline/memorialization jobs (the digital trigger), so the worker runs them now. */
  onJobsQueued: () => void;
}): DigitalThreads {
  const router = createThreadRouter(deps);
  deps.agents.onStateSetByAgent((_agentId, state) => {
    if (state === 'Available') router.wake();
  });
  const intake = createThreadIntake({ ...deps, router });
  const outcomes = new ThreadOutcomes({ ...deps, router });
  return { intake, router, outcomes };
}
