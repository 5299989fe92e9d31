import { z } from 'zod';

/** Missing fields say "required" rather than zod's "Required"; every other message is the schema's own. */
export const apiErrorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return { message: 'required' };
  if (issue.code === z.ZodIssueCode.unrecognized_keys) return { message: `not a field of this API: ${issue.keys.slice(0, 5).join(', ')}`.slice(0, 200) };
  return { message: ctx.defaultError };
};

/** "messages[3].thread.idOnExternalPlatform": the path as a JSON client writes it. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/** The first few issues as "field: problem; …", each naming its field (at most 5, so an answer stays short). */
export function describeApiIssues(issues: ReadonlyArray<z.ZodIssue>): string {
  const shown = issues.slice(0, 5).map((issue) => (issue.path.length ? `${fieldPath(issue.path)}: ${issue.message}` : issue.message));
  return issues.length > 5 ? `${shown.join('; ')}; and ${issues.length - 5} more` : shown.join('; ');
}

/** A required piece of text: not empty, not only spaces, at most `max` characters. */
export const text = (max: number) => z.string().max(max, `at most ${max} characters`).regex(/\S/, 'must not be empty');
