import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from '../../src/domain/errors.js';
import { variantByKey } from '../../src/workflows/variantByKey.js';

const payload = z.object({
  workflowInput: variantByKey({
    describe: z.object({ describe: variantByKey({ entity: z.object({ entity: z.string().min(1) }).strict(), standard: z.object({ standard: z.enum(['case']) }).strict() }) }).strict(),
    activitiesOf: z.object({ activitiesOf: z.string(), limit: z.number().int().max(200).default(50) }).strict(),
  }),
});
const problem = (value: unknown) => {
  const parsed = payload.safeParse(value);
  return parsed.success ? undefined : describeIssues(parsed.error.issues);
};

describe('variantByKey: one of several shapes, told apart by its key', () => {
  it('checks a value against the shape its key names, defaults and all', () => {
    expect(payload.parse({ workflowInput: { activitiesOf: 'c-1' } })).toEqual({ workflowInput: { activitiesOf: 'c-1', limit: 50 } });
    expect(payload.parse({ workflowInput: { describe: { standard: 'case' } } })).toEqual({ workflowInput: { describe: { standard: 'case' } } });
    expect(payload.parse({ workflowInput: { describe: { entity: 'contact' } } })).toEqual({ workflowInput: { describe: { entity: 'contact' } } });
  });

  it("names the field of a problem inside the shape, from the payload's root", () => {
    expect(problem({ workflowInput: { activitiesOf: 'c-1', limit: 500 } })).toBe('workflowInput.limit: Number must be less than or equal to 200');
    expect(problem({ workflowInput: { describe: { standard: 'lead' } } })).toMatch(/^workflowInput\.describe\.standard: Invalid enum value/);
    expect(problem({ workflowInput: { describe: { entity: '' } } })).toMatch(/^workflowInput\.describe\.entity: /);
    expect(problem({ workflowInput: { activitiesOf: 'c-1', extra: true } })).toBe("workflowInput: Unrecognized key(s) in object: 'extra'");
  });

  it('refuses a value with none of the keys, or several, naming the keys it may have', () => {
    expect(problem({ workflowInput: {} })).toBe('workflowInput: give exactly one of describe, activitiesOf');
    expect(problem({ workflowInput: { describe: { entity: 'contact' }, activitiesOf: 'c-1' } })).toBe('workflowInput: give exactly one of describe, activitiesOf');
    expect(problem({ workflowInput: { describe: { entity: 'contact', standard: 'case' } } })).toBe('workflowInput.describe: give exactly one of entity, standard');
    expect(problem({ workflowInput: 'describe' })).toBe('workflowInput: expected an object with one of describe, activitiesOf');
    expect(problem({})).toBe('workflowInput: expected an object with one of describe, activitiesOf');
  });
});
