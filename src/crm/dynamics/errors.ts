import { retryAfterMs as parseRetryAfter } from '../../http/retryAfter.js';
import { CrmError } from '../port.js';

/** What dynamics-web-api rejects with when Dataverse answers non-2xx: the body's `error` plus the HTTP facts. */
export interface DataverseFailure {
  status?: number;
  /** Dataverse's error code, e.g. "0x80060888". */
  code?: string;
  message?: string;
  headers?: Record<string, string | string[] | undefined>;
  /** A failed part of a $batch carries the body's `error` here instead (dynamics-web-api 2.x). */
  error?: { code?: string; message?: string };
}

/** Dataverse's message and code of a failure, wherever dynamics-web-api put them. */
export function failureText(error: DataverseFailure): { message: string | undefined; code: string | undefined } {
  return { message: error.message || error.error?.message, code: error.code ?? error.error?.code };
}

export function isDataverseFailure(error: unknown): error is DataverseFailure & Error {
  return typeof error === 'object' && error !== null && typeof (error as DataverseFailure).status === 'number';
}

/**
 * What a failed $batch rejects with. Without Prefer: odata.continue-on-error, Dataverse stops at the first
 * failing request and answers the batch with that request's error status, its parts in the body;
 * dynamics-web-api then rejects with the array of parsed parts. The failing part is the failure.
 */
export function batchFailure(error: unknown): unknown {
  if (!Array.isArray(error)) return error;
  return error.find(isDataverseFailure) ?? new Error('the batch failed without saying which request failed');
}

/** "is missing prvReadLead privilege" in a Dataverse 403 message: the privilege's name. */
export function missingPrivilege(message: string | undefined): string | undefined {
  return /missing (prv\w+) privilege/i.exec(message ?? '')?.[1];
}

export function statusOf(error: unknown): number | undefined {
  return isDataverseFailure(error) ? error.status : undefined;
}

/** Retry-After as milliseconds: seconds ("12") or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  if (!isDataverseFailure(error)) return undefined;
  const raw = error.headers?.['retry-after'] ?? error.headers?.['Retry-After'];
  return parseRetryAfter(Array.isArray(raw) ? raw[0] : raw, now);
}

export interface FailureContext {
  configurationId: string;
  /** What was being done, for the message: "create contact". */
  operation: string;
  /** The names a field error may be about, lowercased, each with the field name to report (what the caller sent). */
  fields?: ReadonlyMap<string, string>;
}

/**
 * A Dataverse failure as the port's CrmError. A 400 whose message names a column that was sent becomes a
 * field error under that column's name, with Dataverse's own words; 401/403 say the configuration's
 * credentials were refused. Dataverse messages carry no credentials, so they are kept.
 */
export function toCrmError(error: unknown, context: FailureContext): CrmError {
  if (error instanceof CrmError) return error;
  if (!isDataverseFailure(error)) {
    const reason = error instanceof Error && error.message ? error.message : 'network failure';
    return new CrmError(`Dynamics 365 could not be reached to ${context.operation}: ${reason}`);
  }
  const status = error.status!;
  const text = failureText(error);
  const message = (text.message ?? '').trim() || `HTTP ${status}`;
  if (status === 401) {
    return new CrmError(`Dynamics 365 refused the credentials of configuration "${context.configurationId}" (HTTP 401) to ${context.operation}`, status);
  }
  if (status === 403) {
    // A 403 is a permission the application user's security role lacks, not a bad credential.
    const privilege = missingPrivilege(text.message);
    return new CrmError(
      `Dynamics 365 did not let configuration "${context.configurationId}" ${context.operation} (HTTP 403): ` +
        (privilege ? `its application user is missing the ${privilege} privilege; an admin adds it to the user's security role` : message),
      status,
    );
  }
  if (status === 400) {
    const field = context.fields ? fieldNamedIn(message, context.fields) : undefined;
    return new CrmError(`Dynamics 365 refused to ${context.operation}: ${message}`, 400, field ? { [field]: message } : undefined);
  }
  if (status === 429 || status === 503) {
    return new CrmError(`Dynamics 365 is busy (service protection limits, HTTP ${status}) and did not ${context.operation}; try again later`, status);
  }
  return new CrmError(`Dynamics 365 failed to ${context.operation} (HTTP ${status}${text.code ? ` ${text.code}` : ''}): ${message}`, status);
}

/**
 * The first sent field a Dataverse message quotes: "The length of the 'lastname' attribute...", "The property
 * 'foo' does not exist on type...", "The value 9 of 'prioritycode' on record of type 'incident'...".
 */
export function fieldNamedIn(message: string, fields: ReadonlyMap<string, string>): string | undefined {
  for (const match of message.matchAll(/'([A-Za-z_][A-Za-z0-9_]*)(?:@odata\.bind)?'/g)) {
    const found = fields.get(match[1]!.toLowerCase());
    if (found) return found;
  }
  return undefined;
}
