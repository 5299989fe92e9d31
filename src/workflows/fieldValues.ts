import { z } from 'zod';

/** A field value a workflow may write: text, number, boolean or null (no objects, no attachments). */
export const fieldValueSchema = z.union([z.string().max(32_000), z.number(), z.boolean(), z.null()]);

export const fieldMapSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and "_"'), fieldValueSchema)
  .refine((fields) => Object.keys(fields).length <= 100, 'at most 100 fields');

export const entitySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a record type is letters, digits and "_" (e.g. "contact", "work_order")');

export const recordRefSchema = z.object({ entity: entitySchema, id: z.string().min(1).max(200) }).strict();
