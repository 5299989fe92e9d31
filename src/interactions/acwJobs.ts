import type { Agent } from '../domain/agentState.js';
import { durationSeconds, type Interaction, type InteractionRecordLink } from '../domain/interaction.js';
import type { CrmWriteView } from '../domain/customerCard.js';
import type { Db } from '../store/db.js';
import { jobsOfSubject, type NewJob } from '../store/jobsRepository.js';
import { findWorkflow, type CrmConfiguration } from '../workflows/configuration.js';
import type { AcwInput } from '../workflows/interactionData.js';
import type { AcwJobPayload } from '../jobs/acwJob.js';

/**
 * What completing ACW fires (SPEC: timeline and data memorialization): for every linked record, one
 * timeline job and one memorialization job, each keyed by (interaction, workflow, record) so that it is
 * queued once and written once, whatever is clicked or retried.
 */
export function acwJobsFor(
  interaction: Interaction,
  agent: Pick<Agent, 'id' | 'name'>,
  links: InteractionRecordLink[],
  configuration: CrmConfiguration,
  now: Date,
): NewJob[] {
  const workflows = [findWorkflow(configuration, { kind: 'timeline' }), findWorkflow(configuration, { kind: 'memorialization' })];
  const jobs: NewJob[] = [];
  for (const link of links.filter((l) => l.linked)) {
    const input: AcwInput['workflowInput'] = {
      regarding: { entity: link.recordType, id: link.recordId },
      interaction: {
        id: interaction.id,
        ani: interaction.ani,
        channel: interaction.channel,
        startedAt: interaction.startedAt,
        endedAt: interaction.endedAt,
        durationSeconds: durationSeconds(interaction, now),
        disposition: interaction.disposition,
        notes: interaction.notes,
      },
      agent: { id: agent.id, name: agent.name },
    };
    for (const workflow of workflows) {
      if (!workflow) continue;
      const payload: AcwJobPayload = {
        configurationId: configuration.id,
        workflowId: workflow.id,
        payload: JSON.stringify({ workflowInput: input }),
      };
      jobs.push({
        kind: workflow.kind,
        idempotencyKey: `${interaction.id}:${workflow.id}:${link.recordType}:${link.recordId}`,
        subject: interaction.id,
        payload,
      });
    }
  }
  return jobs;
}

/** How each ACW write of a completed interaction stands, from the job outbox. */
export async function acwWritesOf(db: Db, interactionId: string, links: InteractionRecordLink[]): Promise<CrmWriteView[]> {
  const jobs = await jobsOfSubject(db, interactionId);
  return jobs.map((job) => {
    const [, , type, ...id] = job.idempotencyKey.split(':');
    const link = links.find((l) => l.recordType === type && l.recordId === id.join(':'));
    return {
      what: job.kind === 'timeline' ? 'timeline' : 'memorialization',
      record: link?.label ?? `${type} ${id.join(':')}`,
      status: job.status,
      error: job.status === 'dead' ? job.lastError : null,
    };
  });
}
