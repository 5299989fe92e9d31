import { CrmError } from '../port.js';

/** The body ServiceNow's REST APIs answer a failure with: {"error": {"message", "detail"}, "status": "failure"}. */
export interface ServiceNowFailure {
  message: string;
  detail: string;
}

/** Reads a failure body; tolerates HTML pages and empty bodies (a proxy's 503). */
export function readFailure(body: unknown): ServiceNowFailure {
  const error = (body as { error?: { message?: unknown; detail?: unknown } } | null)?.error;
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return { message: text(error?.message), detail: text(error?.detail) };
}

function describe(failure: ServiceNowFailure): string {
  return [failure.message, failure.detail].filter(Boolean).join(': ') || 'no details';
}

/** "Short description" → "short_description": how a column label reads as its name in a base system. */
function columnOfLabel(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function labelOfColumn(column: string): string {
  const words = column.replace(/^u_/, '').split('_').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The fields a refusal names, with ServiceNow's own message for each. A data policy names mandatory fields by
 * label ("The following fields are mandatory: Short description, Priority"); other refusals are matched
 * against the columns the request wrote (by name or by label).
 */
export function fieldErrorsOf(failure: ServiceNowFailure, written: readonly string[]): Record<string, string> | undefined {
  const text = describe(failure);
  const errors: Record<string, string> = {};
  const mandatory = /fields are mandatory:\s*([^\n]+)/i.exec(failure.detail) ?? /fields are mandatory:\s*([^\n]+)/i.exec(failure.message);
  if (mandatory) {
    for (const label of mandatory[1]!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)) {
      const column = written.find((c) => labelOfColumn(c).toLowerCase() === label.toLowerCase()) ?? columnOfLabel(label);
      errors[column] = `is mandatory (${text.replace(/\s+/g, ' ')})`;
    }
  }
  for (const column of written) {
    if (errors[column]) continue;
    const byName = new RegExp(`(^|[^a-z0-9_])${column}([^a-z0-9_]|$)`, 'i');
    const byLabel = new RegExp(`(^|[^a-z0-9])${labelOfColumn(column).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`, 'i');
    if (byName.test(text) || (column.includes('_') && byLabel.test(text))) errors[column] = text.replace(/\s+/g, ' ');
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** What the connector was doing when ServiceNow refused: used to name fields and the configuration. */
export interface RequestContext {
  configurationId: string;
  method: string;
  table?: string;
  /** Columns the request wrote (POST / PATCH bodies). */
  written: readonly string[];
}

/** Turns a non-2xx answer (after retries and the token refresh) into the CrmError the engine branches on. */
export function toCrmError(status: number, body: unknown, context: RequestContext): CrmError {
  const failure = readFailure(body);
  const text = describe(failure);
  const where = context.table ? ` (${context.method} ${context.table})` : '';
  if (status === 401) {
    return new CrmError(`ServiceNow refused the credentials of configuration "${context.configurationId}" (HTTP 401: ${text})`, 401);
  }
  if (status === 403) {
    // Data policies refuse a write with 403 "Operation Failed"; that is the record's fault, not the credentials'.
    if (/data policy exception/i.test(text)) {
      const fieldErrors = fieldErrorsOf(failure, context.written) ?? { record: text };
      return new CrmError(`ServiceNow refused the record${where}: ${text}`, 400, fieldErrors);
    }
    // 403 is a missing permission (a role or an ACL), not bad credentials: say which table and which access.
    const access = context.method === 'GET' ? 'read' : context.method === 'POST' ? 'create records in' : 'write to';
    const what = context.table ? `may not ${access} the table "${context.table}"` : 'lacks a permission for this request';
    return new CrmError(`ServiceNow refused the request${where}: the integration user of configuration "${context.configurationId}" ${what} (a role or ACL is missing; HTTP 403: ${text})`, 403);
  }
  if (status === 400) {
    const table = /invalid table\s+(\S+)/i.exec(text);
    if (table) return new CrmError(`ServiceNow has no table "${table[1]}"`, 400, { entity: `ServiceNow has no table "${table[1]}"` });
    return new CrmError(`ServiceNow refused the request${where}: ${text}`, 400, fieldErrorsOf(failure, context.written));
  }
  if (status === 404) return new CrmError(`ServiceNow found no such record${where}: ${text}`, 404);
  if (status === 429) return new CrmError(`ServiceNow is rate limiting configuration "${context.configurationId}"${where}: ${text}`, 429);
  return new CrmError(`ServiceNow answered HTTP ${status}${where}: ${text}`, status);
}
