import { z } from 'zod';
import type { CrmRecord, FieldValue } from '../domain/crmRecord.js';
import { STANDARD_RECORDS, isStandardRecordType } from '../crm/standardRecords.js';
import type { WorkflowDefinition } from './configuration.js';
import { entitySchema, fieldMapSchema, fieldValueSchema } from './fieldValues.js';
import type { WorkflowKindModule } from './kind.js';
import { recordResultSchema } from './recordSchemas.js';
import { WorkflowUnsupportedError } from './result.js';

type CreateDefinition = Extract<WorkflowDefinition, { kind: 'create' }>;

function standardInput(type: keyof typeof STANDARD_RECORDS) {
  const { fields, required } = STANDARD_RECORDS[type];
  const shape = Object.fromEntries(fields.map((field) => [field, (required as readonly string[]).includes(field) ? z.string().trim().min(1, 'is required') : fieldValueSchema.optional()]));
  // strict(): a standard create carries the standard fields and only those (SPEC).
  return z.object({ workflowInput: z.object(shape).strict() }).passthrough();
}

const customInput = z.object({ workflowInput: z.object({ entity: entitySchema, fields: fieldMapSchema }).strict() }).passthrough();

type Input = { workflowInput: Record<string, unknown> };

/**
 * Standard create (one type of SPEC's catalogue, its standard fields only, under canonical names that the
 * connector maps to its CRM's) and Create Custom Record (any type, any fields, in the CRM's own names).
 */
export const create: WorkflowKindModule<CreateDefinition, Input, { record: CrmRecord }> = {
  result: recordResultSchema,
  input(definition) {
    if (definition.variant === 'custom') return customInput as z.ZodType<Input, z.ZodTypeDef, unknown>;
    const type = definition.recordType ?? '';
    // Checked when the configuration loads; kept so that a hand-built definition cannot slip through.
    if (!isStandardRecordType(type)) throw new Error(`workflow ${definition.id}: "${type}" is not a standard record type`);
    return standardInput(type) as z.ZodType<Input, z.ZodTypeDef, unknown>;
  },

  async run(input, { connector, signal, definition }) {
    if (definition.variant === 'custom') {
      const { entity, fields } = input.workflowInput as z.infer<typeof customInput>['workflowInput'];
      return { record: await connector.create(entity, fields, { signal }) };
    }
    const type = definition.recordType as keyof typeof STANDARD_RECORDS;
    const native = connector.standardTypes[type];
    if (!native) throw new WorkflowUnsupportedError(`this CRM has no standard "${type}" record; use Create Custom Record`);
    const fields: Record<string, FieldValue> = {};
    for (const [field, value] of Object.entries(input.workflowInput)) {
      if (value === undefined) continue;
      const nativeField = native.fields[field];
      if (!nativeField) throw new WorkflowUnsupportedError(`this CRM's ${native.type} has no standard field for "${field}"`);
      fields[nativeField] = value as FieldValue;
    }
    return { record: await connector.create(native.type, fields, { signal }) };
  },
};
