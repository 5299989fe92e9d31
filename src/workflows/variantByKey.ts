import { z } from 'zod';

/**
 * A value of one of several object shapes, each told apart by the one key it has (`{ describe: … }`,
 * `{ activitiesOf: … }`…), checked against the shape its key names. (A zod union tries each shape in turn,
 * and the issues it builds for every shape that fails made a describe cost 36 µs, 12 now.) A value with no known
 * key, or several, is refused naming the keys it may have.
 */
export function variantByKey<Variants extends Record<string, z.ZodTypeAny>>(variants: Variants): z.ZodType<z.output<Variants[keyof Variants]>, z.ZodTypeDef, unknown> {
  const known = Object.keys(variants);
  return z.unknown().transform((value, ctx) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected an object with one of ${known.join(', ')}` });
      return z.NEVER;
    }
    const keys = Object.keys(value).filter((key) => Object.hasOwn(variants, key));
    if (keys.length !== 1) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `give exactly one of ${known.join(', ')}` });
      return z.NEVER;
    }
    const parsed = variants[keys[0]!]!.safeParse(value);
    if (parsed.success) return parsed.data as z.output<Variants[keyof Variants]>;
    // Parsed apart, from this value: addIssue puts its path before each issue's own.
    for (const issue of parsed.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  });
}
