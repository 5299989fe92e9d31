import { z } from 'zod';
import { isFieldValue, NOT_A_FIELD_VALUE, RECORD_ROLES, type CrmRecord, type FieldValue, type RecordRole } from '../domain/crmRecord.js';
import type { FieldDescription, RecordTypeDescription } from '../crm/port.js';

/**
 * What connectors answer, as workflow results carry it: checked when a workflow ends, so that a connector
 * that answers something else ends in InternalError instead of reaching a card untyped. Loose where the
 * CRM is (no length limits: a record is shown as the CRM holds it); extra properties pass through.
 */

/**
 * A record's fields, by name, each text, a number, true/false or null: checked in place, in one pass. (A zod
 * record of a union of the four copied the object, parsed each name and value through zod, and built an issue
 * for each type a value was not: 73 µs for a record of 15 fields.) A bad value is named by its field.
 */
export const storedFieldsSchema: z.ZodType<Record<string, FieldValue>, z.ZodTypeDef, unknown> = z
  .custom<Record<string, FieldValue>>((value) => !!value && typeof value === 'object' && !Array.isArray(value), 'must be an object of fields')
  .superRefine((fields, ctx) => {
    for (const [name, value] of Object.entries(fields)) if (!isFieldValue(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: NOT_A_FIELD_VALUE });
  });

const roleSchema = z.custom<RecordRole>((value) => RECORD_ROLES.some((role) => role === value), 'is not a record role');

const relatedSchema = z.object({ ref: z.object({ type: z.string(), id: z.string() }).passthrough(), name: z.string() }).passthrough();

const canonicalSchema = z
  .object({
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    phones: z.array(z.string()).optional(),
    organization: relatedSchema.optional(),
    person: relatedSchema.optional(),
    caseNumber: z.string().optional(),
    subject: z.string().optional(),
    status: z.string().optional(),
    priority: z.string().optional(),
    activityDate: z.string().optional(),
    description: z.string().optional(),
  })
  .passthrough();

export const crmRecordSchema: z.ZodType<CrmRecord, z.ZodTypeDef, unknown> = z
  .object({
    type: z.string(),
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    typeLabel: z.string().optional(),
    canonical: canonicalSchema,
    fields: storedFieldsSchema,
    display: z.record(z.string()).optional(),
  })
  .passthrough();

const fieldDescriptionSchema: z.ZodType<FieldDescription, z.ZodTypeDef, unknown> = z
  .object({
    label: z.string(),
    kind: z.enum(['text', 'number', 'boolean', 'date', 'datetime', 'phone', 'email', 'reference', 'choice']),
    writable: z.boolean(),
    choices: z.array(z.object({ value: z.string(), label: z.string() }).passthrough()).optional(),
    defaultValue: z.string().optional(),
  })
  .passthrough();

export const recordTypeDescriptionSchema: z.ZodType<RecordTypeDescription, z.ZodTypeDef, unknown> = z
  .object({ type: z.string(), label: z.string(), fields: z.record(fieldDescriptionSchema) })
  .passthrough();

/** What a create, an update (and a memorialization that wrote) answers: the record as the CRM now holds it. */
export const recordResultSchema = z.object({ record: crmRecordSchema }).passthrough();
