import { CrmError } from '../port.js';

/**
 * Salesforce's failures as CrmErrors. Salesforce answers errors as an array of {message, errorCode,
 * fields}; jsforce throws them as an error with `errorCode` and `data` (one error object, or the array
 * when there are several), without the HTTP status, which the transport keeps.
 */

interface SalesforceErrorItem {
  message?: string;
  errorCode?: string;
  fields?: string[];
}

/**
 * What the failed call was doing, which says whose text Salesforce refused: a write names the caller's
 * fields and a query the caller's filter or entity (the ValidationError branch: the engine reads a 400 with
 * fieldErrors as the input's fault); a read is a request the connector built (SOQL, SOSL, describe), so a
 * refusal of it is the connector's or the org's problem: a 400 without fieldErrors, the InternalError branch.
 */
export type Operation = 'read' | 'write' | 'query';

export interface ErrorContext {
  operation: Operation;
  /** The sObject of the call, for messages and for write errors that name no field. */
  type: string;
  configurationId: string;
  /** HTTP status of the answer the error came from. */
  status: number | undefined;
  /** Removes secrets and tokens from text that may echo a request. */
  redact: (text: string) => string;
}

function itemsOf(error: unknown): SalesforceErrorItem[] {
  const data = (error as { data?: unknown }).data;
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  return list.filter((item): item is SalesforceErrorItem => !!item && typeof item === 'object');
}

export function isJsforceApiError(error: unknown): error is Error & { errorCode: string } {
  return error instanceof Error && typeof (error as { errorCode?: unknown }).errorCode === 'string';
}

export function toCrmError(error: unknown, context: ErrorContext): CrmError {
  const { redact } = context;
  if (error instanceof CrmError) {
    return new CrmError(redact(error.message), error.status, error.fieldErrors && redactAll(error.fieldErrors, redact));
  }
  if (!isJsforceApiError(error)) {
    return new CrmError(`the Salesforce call failed: ${redact(error instanceof Error ? error.message : String(error))}`, context.status);
  }
  const items = itemsOf(error);
  const first = items[0] ?? { message: error.message, errorCode: error.errorCode };
  const code = first.errorCode ?? error.errorCode;
  const message = redact(first.message ?? error.message);
  const status = context.status ?? statusOf(code);

  if (status === 401 || code === 'INVALID_SESSION_ID') {
    return new CrmError(`Salesforce refused the credentials of configuration "${context.configurationId}" (${code})`, 401);
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED' || status === 429) {
    // A rate limit, not a refusal of the credentials (HTTP 403 would read as one): said as 429.
    return new CrmError(`Salesforce's API request limit is exceeded (${code}): ${message}`, 429);
  }
  if (status === 403) {
    return new CrmError(`Salesforce refused the call with the credentials of configuration "${context.configurationId}" (${code}: ${message})`, 403);
  }
  if (status === 404 || code === 'NOT_FOUND') {
    return new CrmError(`Salesforce has no such ${context.type} (${code})`, 404);
  }
  if (status === 400 && context.operation === 'read') {
    return new CrmError(`Salesforce refused a request the connector built for ${context.type}: ${describe(items, redact) || message}`, 400);
  }
  if (status === 400) {
    return new CrmError(`Salesforce refused the ${context.operation === 'query' ? 'query' : 'record'}: ${describe(items, redact) || message}`, 400, fieldErrorsOf(items, context));
  }
  if (status === 503 || status === 502 || status === 504) {
    return new CrmError(`Salesforce is unavailable (HTTP ${status}: ${code})`, status);
  }
  return new CrmError(`Salesforce failed (${code}): ${message}`, status);
}

function statusOf(code: string): number | undefined {
  if (code === 'INVALID_SESSION_ID') return 401;
  if (code === 'NOT_FOUND') return 404;
  return undefined;
}

function describe(items: SalesforceErrorItem[], redact: (text: string) => string): string {
  return items.map((item) => `${item.errorCode ?? 'ERROR'}: ${redact(item.message ?? '')}`).join('; ');
}

/** Field errors by Salesforce field name, as the engine shows them (ValidationError naming the field). */
function fieldErrorsOf(items: SalesforceErrorItem[], context: ErrorContext): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (field: string, message: string) => {
    errors[field] = errors[field] ? `${errors[field]}; ${message}` : message;
  };
  for (const item of items) {
    const message = context.redact(item.message ?? item.errorCode ?? 'refused');
    if (context.operation === 'query') {
      add(item.errorCode === 'INVALID_TYPE' ? 'entity' : 'filter', message);
      continue;
    }
    const fields = (item.fields ?? []).filter((f) => typeof f === 'string' && f !== '');
    const column = /No such column '([A-Za-z0-9_.]+)'/.exec(item.message ?? '')?.[1];
    if (fields.length > 0) for (const field of fields) add(field, message);
    else if (column) add(column, message);
    else add(context.type, message);
  }
  return errors;
}

function redactAll(errors: Record<string, string>, redact: (text: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, redact(message)]));
}
