import type { Agent } from '../domain/agentState.js';
import type { DigitalTrigger, Thread } from '../domain/digital.js';
import type { Interaction } from '../domain/interaction.js';
import { acwJobsFor } from '../interactions/acwJobs.js';
import type { Repositories } from '../store/unitOfWork.js';
import type { CrmConfiguration } from '../workflows/configuration.js';
import { transcriptSummaryOf } from './outcomeInput.js';

/**
 * The digital trigger (SPEC "Digital trigger"): the first of transfer, unassign, dismiss or Closed queues
 * timeline + memorialization for each linked record, in the transaction of that change (`repos`). The
 * thread's trigger is set by a conditional update, so a second trigger (or a racing one) finds it set and
 * queues nothing; the jobs' keys (interaction, workflow, record) would refuse a second set anyway.
 * Returns how many jobs were queued (0: triggered before, or nothing linked).
 */
export async function fireDigitalTrigger(
  repos: Repositories,
  fired: {
    thread: Thread;
    interaction: Interaction;
    trigger: DigitalTrigger;
    agent: Pick<Agent, 'id' | 'name'>;
    configuration: CrmConfiguration | undefined;
    now: Date;
  },
): Promise<number> {
  const { thread, interaction, trigger, agent, configuration, now } = fired;
  if (!(await repos.threadOutcomes.markTriggered(thread.id, trigger, now.toISOString()))) return 0;
  if (!configuration) return 0;
  const links = await repos.interactions.listLinks(interaction.id);
  const transcript = transcriptSummaryOf(thread, await repos.threadOutcomes.transcriptCounts(thread.id));
  return repos.jobs.enqueue(acwJobsFor(interaction, agent, links, configuration, now, transcript), now.toISOString());
}
