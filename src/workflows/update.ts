import { z } from 'zod';
import type { CrmRecord } from '../domain/crmRecord.js';
import { CrmError } from '../crm/port.js';
import type { WorkflowDefinition } from './configuration.js';
import { entitySchema, fieldMapSchema } from './fieldValues.js';
import type { WorkflowKindModule } from './kind.js';
import { WorkflowInputError } from './result.js';

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
  async run({ workflowInput: { entity, id, fields } }, { connector, signal }) {
    try {
      return { record: await connector.update({ type: entity, id }, fields, { signal }) };
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) {
        throw new WorkflowInputError(`no ${entity} with id "${id}"`, 'workflowInput.id');
      }
      throw error;
    }
  },
};
