import { z } from 'zod';
import { isStandardType, STANDARD_FIELDS, type CrmRecord, type StandardRecordType } from '../domain/crmRecord.js';
import type { WorkflowDefinition } from './configuration.js';
import { entitySchema, fieldMapSchema, fieldValueSchema } from './fieldValues.js';
import type { WorkflowKindModule } from './kind.js';

type CreateDefinition = Extract<WorkflowDefinition, { kind: 'create' }>;

/** Fields a standard create cannot do without. */
const REQUIRED: Record<StandardRecordType, string[]> = {
  account: ['name'],
  contact: ['lastName'],
  case: ['subject'],
  lead: ['lastName', 'company'],
};

function standardInput(type: StandardRecordType) {
  const shape = Object.fromEntries(
    STANDARD_FIELDS[type].map((field) => [
      field,
      REQUIRED[type].includes(field) ? z.string().trim().min(1, 'is required') : fieldValueSchema.optional(),
    ]),
  );
  // strict(): a standard create carries the standard fields and only those (SPEC).
  return z.object({ workflowInput: z.object(shape).strict() }).passthrough();
}

const customInput = z
  .object({ workflowInput: z.object({ entity: entitySchema, fields: fieldMapSchema }).strict() })
  .passthrough();

type Input = { workflowInput: Record<string, unknown> };

/** Standard create (one standard type, standard fields only) and Create Custom Record (any type, any fields). */
export const create: WorkflowKindModule<CreateDefinition, Input, { record: CrmRecord }> = {
  input(definition) {
    if (definition.variant === 'custom') return customInput as z.ZodType<Input, z.ZodTypeDef, unknown>;
    const type = definition.recordType!;
    if (!isStandardType(type)) {
      // Caught at config load too; kept here so a hand-built definition cannot slip through.
      throw new Error(`workflow ${definition.id}: "${type}" is not a standard record type`);
    }
    return standardInput(type) as z.ZodType<Input, z.ZodTypeDef, unknown>;
  },

  async run(input, { connector, signal, definition }) {
    if (definition.variant === 'custom') {
      const { entity, fields } = input.workflowInput as z.infer<typeof customInput>['workflowInput'];
      return { record: await connector.create(entity, fields, { signal }) };
    }
    const fields = Object.fromEntries(
      Object.entries(input.workflowInput).filter(([, v]) => v !== undefined),
    ) as Record<string, string | number | boolean | null>;
    return { record: await connector.create(definition.recordType!, fields, { signal }) };
  },
};
