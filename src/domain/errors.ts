/**
 * Typed errors of the product. Each carries a code and a message that is safe to show to the person who
 * caused it (no stack, no secret, no other agent's data). Anything that is not an AppError is shown as a
 * generic failure and logged with its details.
 */
export type ErrorCode = 'invalid_input' | 'not_found' | 'forbidden' | 'conflict' | 'stale' | 'config' | 'crm_failure';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>) => new AppError('invalid_input', message, details);
export const notFound = (message: string) => new AppError('not_found', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const stale = (message: string) => new AppError('stale', message);

interface Issue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  /** A union's alternatives, each with its own issues (zod's invalid_union). */
  unionErrors?: ReadonlyArray<{ issues: ReadonlyArray<Issue> }>;
}

/**
 * Formats zod-style issues as "field: problem; field: problem" so a message always names the field. For
 * a value that matches none of several shapes, it reports the shape it came closest to.
 */
export function describeIssues(issues: ReadonlyArray<Issue>, root = ''): string {
  return issues
    .flatMap((issue) => {
      const closest = issue.unionErrors?.reduce((best, e) => (e.issues.length < best.issues.length ? e : best));
      return closest ? closest.issues : [issue];
    })
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
