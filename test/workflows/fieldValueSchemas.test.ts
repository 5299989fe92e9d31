import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../src/domain/errors.js';
import { fieldMapSchema, fieldValueSchema } from '../../src/workflows/fieldValues.js';
import { storedFieldsSchema } from '../../src/workflows/recordSchemas.js';

const problem = (schema: { safeParse(value: unknown): { success: true } | { success: false; error: { issues: any[] } } }, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : describeIssues(parsed.error.issues);
};

describe('field values: text, a number, true or false, or null', () => {
  it('takes each of the four, as it is', () => {
    for (const value of ['text', '', 0, -1.5, true, false, null]) {
      expect(storedFieldsSchema.parse({ field: value })).toEqual({ field: value });
      expect(fieldValueSchema.parse(value)).toBe(value);
    }
  });

  it('refuses anything else, saying what a field may hold', () => {
    for (const value of [{ a: 1 }, [1], Number.NaN, undefined]) {
      expect(problem(storedFieldsSchema, { name: 'Maria', field: value })).toBe('field: must be text, a number, true or false, or null');
      expect(problem(fieldValueSchema, value)).toBe('must be text, a number, true or false, or null');
    }
  });

  it('bounds the text a workflow writes (not what a CRM holds), naming the field', () => {
    const long = 'x'.repeat(32_001);
    expect(problem(fieldMapSchema, { notes: long })).toBe('notes: String must contain at most 32000 character(s)');
    expect(fieldMapSchema.parse({ notes: 'x'.repeat(32_000), score: 3, vip: false, title: null })).toMatchObject({ score: 3, vip: false, title: null });
    expect(storedFieldsSchema.parse({ notes: long })).toEqual({ notes: long });
    expect(problem(storedFieldsSchema, ['notes'])).toBe('must be an object of fields');
  });
});
