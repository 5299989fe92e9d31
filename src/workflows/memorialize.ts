import { z } from 'zod';
import type { CrmRecord, FieldValue } from '../domain/crmRecord.js';
import type { CrmConfiguration, MemorializationSource, WorkflowDefinition } from './configuration.js';
import { acwInputSchema, type AcwInput, type AgentData, type InteractionData } from './interactionData.js';
import type { WorkflowKindModule } from './kind.js';
import { crmRecordSchema, storedFieldsSchema } from './recordSchemas.js';
import { rethrowNotFound } from './notFound.js';

type MemorializationDefinition = Extract<WorkflowDefinition, { kind: 'memorialization' }>;

function sourceValue(source: MemorializationSource, interaction: InteractionData, agent: AgentData): FieldValue {
  switch (source) {
    case 'interaction.id':
      return interaction.id;
    case 'interaction.ani':
      return interaction.ani;
    case 'interaction.channel':
      return interaction.channel;
    case 'interaction.startedAt':
      return interaction.startedAt;
    case 'interaction.endedAt':
      return interaction.endedAt;
    case 'interaction.durationSeconds':
      return String(interaction.durationSeconds);
    case 'interaction.disposition':
      return interaction.disposition;
    case 'interaction.notes':
      return interaction.notes;
    case 'agent.id':
      return agent.id;
    case 'agent.name':
      return agent.name;
  }
}

/** The fields memorialization writes to a record of this type for this interaction ({} : nothing to write). */
export function memorializationFields(
  configuration: Pick<CrmConfiguration, 'memorializationMappings'>,
  recordType: string,
  interaction: InteractionData,
  agent: AgentData,
): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const mapping of configuration.memorializationMappings) {
    if (mapping.recordTypes && !mapping.recordTypes.includes(recordType)) continue;
    const value = sourceValue(mapping.source, interaction, agent);
    // Text values only (SPEC): numbers and dates are written as their text.
    fields[mapping.target] = value === null ? null : String(value);
  }
  return fields;
}

/**
 * Writes interaction data into the record's fields per the configuration's memorialization mappings.
 * Setting fields to values is idempotent, so a retried job writes the same values again, never more.
 */
export const memorialize: WorkflowKindModule<MemorializationDefinition, AcwInput, { record: CrmRecord | null; fields: Record<string, FieldValue> }> = {
  input: () => acwInputSchema,
  result: z.object({ record: crmRecordSchema.nullable(), fields: storedFieldsSchema }).passthrough(),
  async run({ workflowInput: { regarding, interaction, agent } }, { connector, signal, configuration }) {
    const fields = memorializationFields(configuration, regarding.entity, interaction, agent);
    if (Object.keys(fields).length === 0) return { record: null, fields };
    const record = await connector
      .update({ type: regarding.entity, id: regarding.id }, fields, { signal })
      .catch((error: unknown) => rethrowNotFound(error, regarding.entity, regarding.id, 'workflowInput.regarding.id'));
    return { record, fields };
  },
};
