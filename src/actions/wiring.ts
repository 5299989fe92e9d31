import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { InteractionServices } from '../interactions/interactionServices.js';
import type { ActionDeps, ReplyActions, ThreadActions } from './defineAction.js';

/** The card actions' services, from the interaction services (one per feature) of the bot or the tab. */
export function actionDeps(
  deps: InteractionServices & { replies: ReplyActions; threads: ThreadActions; agents: Pick<AgentService, 'isSupervisor'>; logger: Logger },
  answerWithinMs?: number,
): ActionDeps {
  const { calls, records, merging, cards, replies, threads, agents, logger } = deps;
  return { calls, records, merging, cards, replies, threads, agents, logger, answerWithinMs };
}
