import type { Agent } from '../domain/agentState.js';
import { durationSeconds, type Interaction, type InteractionRecordLink } from '../domain/interaction.js';
import type { CrmWriteView } from '../domain/customerCard.js';
import type { NewJob } from '../store/jobsRepository.js';
import type { Repositories } from '../store/unitOfWork.js';
import { findWorkflow, type CrmConfiguration } from '../workflows/configuration.js';
import type { AcwInput, AgentData, InteractionData, TranscriptSummary } from '../workflows/interactionData.js';
import { memorializationFields } from '../workflows/memorialize.js';

const ACW_KINDS = ['timeline', 'memorialization'] as const;

/**
 * What completing ACW fires (SPEC: timeline and data memorialization): for every linked record, one
 * timeline job and one memorialization job, each keyed by (interaction, workflow, record) so that it is
 * queued once and written once, whatever is clicked or retried. A digital conversation's jobs carry its
 * transcript's summary (the timeline activity tells it).
 */
export function acwJobsFor(
  interaction: Interaction,
  agent: Pick<Agent, 'id' | 'name'>,
  links: InteractionRecordLink[],
  configuration: CrmConfiguration,
  now: Date,
  transcript?: TranscriptSummary,
): NewJob[] {
  const workflows = ACW_KINDS.map((kind) => ({ kind, workflow: findWorkflow(configuration, { kind }) }));
  const jobs: NewJob[] = [];
  for (const link of links.filter((l) => l.linked)) {
    const input: AcwInput['workflowInput'] = {
      regarding: { entity: link.recordType, id: link.recordId },
      interaction: { ...interactionDataOf(interaction, now), ...(transcript && { transcript }) },
      agent: { id: agent.id, name: agent.name },
    };
    for (const { kind, workflow } of workflows) {
      if (!workflow) continue;
      jobs.push({
        kind,
        interactionId: interaction.id,
        agentId: agent.id,
        configurationId: configuration.id,
        workflowId: workflow.id,
        record: { type: link.recordType, id: link.recordId },
        interactionAt: interaction.endedAt ?? interaction.startedAt,
        payload: JSON.stringify({ workflowInput: input }),
      });
    }
  }
  return jobs;
}

/** The interaction as timeline and memorialization carry it (and as the card applies what they wrote). */
export function interactionDataOf(interaction: Interaction, now: Date): InteractionData {
  return {
    id: interaction.id,
    ani: interaction.ani,
    channel: interaction.channel,
    startedAt: interaction.startedAt,
    endedAt: interaction.endedAt,
    durationSeconds: durationSeconds(interaction, now),
    disposition: interaction.disposition,
    notes: interaction.notes,
  };
}

/**
 * How each ACW write of a completed interaction stands, from the job outbox. A memorialization that no
 * mapping covers for its record's type wrote nothing, and says so rather than "Saved".
 */
export async function acwWritesOf(
  jobs: Repositories['jobs'],
  interactionId: string,
  links: InteractionRecordLink[],
  configuration?: Pick<CrmConfiguration, 'memorializationMappings'>,
): Promise<Array<CrmWriteView & { ref: { type: string; id: string } }>> {
  return (await jobs.ofSubject(interactionId)).map((job) => {
    const { type, id } = job.record ?? { type: '', id: '' };
    const link = links.find((l) => l.recordType === type && l.recordId === id);
    const what = job.kind === 'timeline' ? 'timeline' : 'memorialization';
    const covered = !configuration || configuration.memorializationMappings.some((m) => !m.recordTypes || m.recordTypes.includes(type));
    return {
      what,
      ref: { type, id },
      record: link?.label ?? `${type} ${id}`,
      status: what === 'memorialization' && !covered && job.status === 'done' ? 'nothing' : job.status,
      error: job.status === 'dead' ? job.lastError : null,
    };
  });
}

/**
 * The card's snapshot of linked records with what memorialization wrote to them applied, once written: the
 * card shows what the CRM now holds (the call's disposition, not the one before), with no CRM round trip.
 */
export function withWrittenValues(
  links: InteractionRecordLink[],
  writes: Array<CrmWriteView & { ref: { type: string; id: string } }>,
  configuration: Pick<CrmConfiguration, 'memorializationMappings'>,
  interaction: Interaction,
  agent: AgentData,
  now: Date,
): InteractionRecordLink[] {
  const written = new Set(writes.filter((w) => w.what === 'memorialization' && w.status === 'done').map((w) => `${w.ref.type}:${w.ref.id}`));
  if (written.size === 0) return links;
  const data = interactionDataOf(interaction, now);
  return links.map((link) => {
    if (!written.has(`${link.recordType}:${link.recordId}`)) return link;
    const fields = memorializationFields(configuration, link.recordType, data, agent);
    const display = Object.fromEntries(Object.entries(link.display ?? {}).filter(([field]) => !(field in fields)));
    return { ...link, fields: { ...link.fields, ...fields }, display };
  });
}
