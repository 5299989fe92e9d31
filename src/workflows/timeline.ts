import { z } from 'zod';
import type { CrmRecord } from '../domain/crmRecord.js';
import { timelineActivityKey } from '../domain/idempotencyKeys.js';
import { displayPhone } from '../domain/phone.js';
import type { WorkflowDefinition } from './configuration.js';
import { acwInputSchema, type AcwInput, type TranscriptSummary } from './interactionData.js';
import type { WorkflowKindModule } from './kind.js';
import { crmRecordSchema } from './recordSchemas.js';
import { rethrowNotFound } from './notFound.js';

type TimelineDefinition = Extract<WorkflowDefinition, { kind: 'timeline' }>;

/**
 * Creates the activity (a task) that records the interaction on the CRM record it regards. Exactly one per
 * (interaction, record): the key goes to the connector, which never writes a second activity for it.
 */
export const timeline: WorkflowKindModule<TimelineDefinition, AcwInput, { activity: CrmRecord; created: boolean }> = {
  input: () => acwInputSchema,
  result: z.object({ activity: crmRecordSchema, created: z.boolean() }).passthrough(),
  async run({ workflowInput: { regarding, interaction, agent } }, { connector, signal, definition }) {
    const description = [
      `Interaction ${interaction.id} (${interaction.channel}) from ${displayPhone(interaction.ani)}`,
      `Agent: ${agent.name}`,
      `Duration: ${minutesAndSeconds(interaction.durationSeconds)}`,
      `Disposition: ${interaction.disposition ?? 'none'}`,
      interaction.notes ? `Notes: ${interaction.notes}` : 'Notes: none',
      ...(interaction.transcript ? transcriptLines(interaction.transcript) : []),
    ].join('\n');
    const { record, created } = await connector
      .logActivity(
        {
          key: timelineActivityKey(interaction.id, { type: regarding.entity, id: regarding.id }),
          regarding: { type: regarding.entity, id: regarding.id },
          subject: `${definition.subject} ${displayPhone(interaction.ani)}`,
          description,
          // Dated by the call (when it began), not by when the job ran: a retried job dates it the same.
          at: interaction.startedAt,
          fields: {
            interactionId: interaction.id,
            phoneNumber: interaction.ani,
            durationSeconds: interaction.durationSeconds,
            disposition: interaction.disposition,
            notes: interaction.notes,
            agentName: agent.name,
          },
        },
        { signal },
      )
      .catch((error: unknown) => rethrowNotFound(error, regarding.entity, regarding.id, 'workflowInput.regarding.id'));
    return { activity: record, created };
  },
};

function minutesAndSeconds(total: number): string {
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** A digital conversation's transcript in the activity: the same lines on every CRM (each keeps the description). */
function transcriptLines(t: TranscriptSummary): string[] {
  return [
    `Status: ${t.status}${t.tags.length ? ` · Tags: ${t.tags.join(', ')}` : ''}`,
    `Transcript: ${t.inbound} message${t.inbound === 1 ? '' : 's'} in, ${t.outbound} out, over ${minutesAndSeconds(t.durationSeconds)}`,
    `First message (${t.first.author}, ${t.first.at}): ${t.first.text}`,
    `Last message (${t.last.author}, ${t.last.at}): ${t.last.text}`,
  ];
}
