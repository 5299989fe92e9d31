import { z } from 'zod';
import { isFieldValue, NOT_A_FIELD_VALUE, type FieldValue } from '../domain/crmRecord.js';

const MAX_TEXT = 32_000;

/**
 * A field value a workflow may write: text (at most 32,000 characters), number, boolean or null (no objects,
 * no attachments). One check, not a zod union of the four, which built an issue for each type a value is not.
 */
export const fieldValueSchema = z.unknown().superRefine((value, ctx) => {
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT) ctx.addIssue({ code: z.ZodIssueCode.too_big, type: 'string', maximum: MAX_TEXT, inclusive: true, exact: false });
  } else if (!isFieldValue(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: NOT_A_FIELD_VALUE });
  }
}) as z.ZodType<FieldValue, z.ZodTypeDef, unknown>;

export const fieldMapSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and "_"'), fieldValueSchema)
  .refine((fields) => Object.keys(fields).length <= 100, 'at most 100 fields');

export const entitySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a record type is letters, digits and "_" (e.g. "contact", "work_order")');

export const recordRefSchema = z.object({ entity: entitySchema, id: z.string().min(1).max(200) }).strict();
