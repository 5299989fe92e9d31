import { z } from 'zod';

/** Field parsers shared by the configuration's environment schemas (config.ts and each part's own). */

/** A comma-separated list (unset: `fallback`). */
export const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );

/** `KEY=` with nothing after it (what provision leaves for "not set yet") counts as not set. */
export const unsetIfEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());
/**
 * A whole number from `min` to `max` (`KEY=` is not set: `fallback`). A wrong value is named in plain words with
 * what was given, e.g. PORT: must be a whole number from 0 to 65535 (got "abc").
 */
export const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ?? '';
      if (value === '') return fallback;
      const number = /^\d+$/.test(value) ? Number(value) : NaN;
      if (number >= min && number <= max) return number;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(trimForMessage(value))})` });
      return z.NEVER;
    });
const trimForMessage = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const guid = z.string().regex(GUID, 'must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47');

/** JSON text read with `schema` (unset or blank: undefined); text that is not JSON says so. */
export const jsonValue = <T extends z.ZodTypeAny>(schema: T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw?.trim()) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema.optional());
