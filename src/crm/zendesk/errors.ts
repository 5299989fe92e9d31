import { CrmError } from '../port.js';

/** A non-2xx answer of Zendesk, as the transport saw it (body parsed, Retry-After read). */
export class ZendeskHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** How long Zendesk asks to wait before trying again, when it said so. */
    readonly retryAfterMs: number | undefined,
    /** The request path without its query (the query may hold customer data). */
    readonly path: string,
  ) {
    super(`Zendesk answered HTTP ${status} to ${path}`);
    this.name = 'ZendeskHttpError';
  }
}

interface ZendeskErrorBody {
  error?: unknown;
  description?: unknown;
  details?: Record<string, Array<{ description?: unknown; error?: unknown }> | undefined>;
}

/**
 * Zendesk's field problems: 422 {"error":"RecordInvalid","details":{"email":[{"description":"Email: ..."}]}}
 * become {email: "Email: ..."}. Undefined when the body names no field.
 */
export function fieldErrorsOf(body: unknown): Record<string, string> | undefined {
  const details = (body as ZendeskErrorBody | undefined)?.details;
  if (!details || typeof details !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [field, problems] of Object.entries(details)) {
    const texts = (Array.isArray(problems) ? problems : []).map((p) => (typeof p?.description === 'string' ? p.description : typeof p?.error === 'string' ? p.error : '')).filter(Boolean);
    if (texts.length > 0) out[field] = texts.join('; ');
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Zendesk's own words for an error ("RecordNotFound: Not found"), short, from its JSON body. */
export function describeBody(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const { error, description } = body as ZendeskErrorBody;
  const title = typeof error === 'string' ? error : error && typeof error === 'object' && typeof (error as { title?: unknown }).title === 'string' ? String((error as { title: string }).title) : '';
  const detail =
    typeof description === 'string'
      ? description
      : error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
        ? String((error as { message: string }).message)
        : '';
  return [title, detail].filter(Boolean).join(': ').slice(0, 300);
}

/** The port's error for a Zendesk answer; never carries a credential (Zendesk bodies hold none). */
export function toCrmError(error: ZendeskHttpError, refusal: () => string): CrmError {
  const said = describeBody(error.body);
  switch (error.status) {
    case 401:
      return new CrmError(refusal(), 401);
    case 403:
      return new CrmError(`Zendesk refused the request to ${error.path} (HTTP 403${said ? `, ${said}` : ''}): the configured agent lacks the permission`, 403);
    case 404:
      return new CrmError(`Zendesk has no such record (${error.path})`, 404);
    case 400:
    case 422: {
      const fieldErrors = fieldErrorsOf(error.body);
      return new CrmError(`Zendesk refused the record${said ? `: ${said}` : ''}`, 400, fieldErrors);
    }
    default:
      return new CrmError(`Zendesk answered HTTP ${error.status} to ${error.path}${said ? ` (${said})` : ''}`, error.status);
  }
}
