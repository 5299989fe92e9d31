import { z } from 'zod';
import type { CrmRecord } from '../domain/crmRecord.js';
import type { WorkflowDefinition } from './configuration.js';
import { entitySchema, fieldMapSchema } from './fieldValues.js';
import type { WorkflowKindModule } from './kind.js';
import { recordResultSchema } from './recordSchemas.js';
import { rethrowNotFound } from './notFound.js';

type UpdateDefinition = Extract<WorkflowDefinition, { kind: 'update' }>;

const updateInput = z
  .object({
    workflowInput: z
      .object({
        entity: entitySchema,
        id: z.string().min(1).max(200),
        fields: fieldMapSchema.refine((f) => Object.keys(f).length > 0, 'name at least one field to change'),
      })
      .strict(),
  })
  .passthrough();
type Input = z.infer<typeof updateInput>;

/** Changes fields of an existing record. */
export const update: WorkflowKindModule<UpdateDefinition, Input, { record: CrmRecord }> = {
  input: () => updateInput,
  result: recordResultSchema,
  async run({ workflowInput: { entity, id, fields } }, { connector, signal }) {
    try {
      return { record: await connector.update({ type: entity, id }, fields, { signal }) };
    } catch (error) {
      return rethrowNotFound(error, entity, id, 'workflowInput.id');
    }
  },
};
