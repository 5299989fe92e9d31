import type { Kysely } from 'kysely';
import { acwJobsFor } from '../../src/interactions/acwJobs.js';
import type { Interaction } from '../../src/domain/interaction.js';
import { findAgent, moveAgentState } from '../../src/store/agentsRepository.js';
import { findInteraction, updateInteraction } from '../../src/store/interactionsRepository.js';
import { listRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { enqueueJobs } from '../../src/store/jobsRepository.js';
import type { Database } from '../../src/store/schema.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { REPO } from './child.js';

/**
 * Ends and completes the given interactions in one transaction, through the product's own store
 * functions, exactly as InteractionService.hangup then completeAcw write them (state changes, agent
 * states, one timeline and one memorialization job per linked record): an ACW burst, on either backend.
 */
export async function endAndCompleteAtOnce(db: Kysely<Database>, items: Array<{ interactionId: string; agentId: string }>): Promise<void> {
  const configurations = loadCrmConfigurations(`${REPO}/config/crm-configurations.json`);
  await db.transaction().execute(async (trx) => {
    const now = new Date();
    const at = now.toISOString();
    for (const { interactionId, agentId } of items) {
      // InteractionService.hangup
      if (!(await updateInteraction(trx, interactionId, 'active', { state: 'acw', endedAt: at }))) throw new Error(`interaction ${interactionId} is not active`);
      await moveAgentState(trx, agentId, 'Working', { state: 'ACW', reasonCode: null, since: at, currentInteractionId: interactionId });
      // InteractionService.completeAcw
      const interaction = (await findInteraction(trx, interactionId))!;
      const agent = await findAgent(trx, agentId);
      const configuration = configurations.configurations.find((c) => c.id === interaction.configurationId);
      const disposition = 'Resolved';
      const notes = 'Customer asked about an order; resolved on the call.';
      await updateInteraction(trx, interactionId, 'acw', { state: 'completed', completedAt: at, disposition, notes });
      const links = await listRecordLinks(trx, interactionId);
      if (configuration) {
        const done: Interaction = { ...interaction, state: 'completed', disposition, notes, completedAt: at };
        await enqueueJobs(trx, acwJobsFor(done, { id: agentId, name: agent?.name ?? agentId }, links, configuration, now), at);
      }
      await moveAgentState(trx, agentId, 'ACW', { state: 'Available', reasonCode: null, since: at, currentInteractionId: null });
    }
  });
}
