import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { InteractionService } from '../interactions/interactionService.js';
import type { ActionDeps } from './defineAction.js';

/**
 * The card actions' services, from the one interaction service that plays all four parts today. The one
 * place to change when the parts are separate services.
 */
export function actionDeps(deps: { interactions: InteractionService; agents: Pick<AgentService, 'isSupervisor'>; logger: Logger }, answerWithinMs?: number): ActionDeps {
  const { interactions, agents, logger } = deps;
  return { calls: interactions, records: interactions, merging: interactions, cards: interactions, agents, logger, answerWithinMs };
}
