import type { CrmRecord, FieldValue, RecordRef } from '../domain/crmRecord.js';
import type { FilterExpr } from './filter.js';
import type { NativeStandardType, StandardRecordType } from './standardRecords.js';

/** What a workflow may ask of a CRM; a connector names those its CRM cannot do (see `unsupported`). */
export type Capability = 'search.ani' | 'search.custom' | 'create.standard' | 'create.custom' | 'update' | 'timeline' | 'memorialization';

/**
 * The one way to a CRM. Every workflow reaches its CRM through this port, and every adapter (embedded,
 * Salesforce, Dynamics, ...) implements it with the CRM's own client. Contract:
 * - Record types and field names are the CRM's own; the caller maps nothing.
 * - Methods reject with CrmError when the CRM refuses or fails; `status` carries the HTTP status when
 *   there is one, so the engine can choose the branch. They never leak a credential in a message.
 * - Every method honours `signal`: once it aborts, the call stops waiting and rejects.
 * - `logActivity` is idempotent on `key`: a second call with the same key returns the first activity
 *   with `created: false`, so a retried job never writes twice.
 */
export interface CrmConnector {
  /** The standard records (SPEC's catalogue) this CRM has, and their names there. */
  readonly standardTypes: Readonly<Partial<Record<StandardRecordType, NativeStandardType>>>;
  /** What this CRM cannot do, each with the reason an admin reads (the InvalidWorkflow branch). */
  readonly unsupported: Readonly<Partial<Record<Capability, string>>>;
  /** Accounts, contacts and leads with a phone field equal to this E.164 number. */
  findByPhone(e164: string, options: CallOptions): Promise<CrmRecord[]>;
  /** Contacts and leads whose email equals this address (case-insensitive). */
  findByEmail(email: string, options: CallOptions): Promise<CrmRecord[]>;
  /** Open cases (tickets, incidents) of a person or an account, newest first; [] for other records. */
  openCases(record: RecordRef, options: QueryOptions): Promise<CrmRecord[]>;
  /** Records of one type matching the filter (all of that type when null), at most `limit`. */
  query(entity: string, filter: FilterExpr | null, options: QueryOptions): Promise<CrmRecord[]>;
  get(ref: RecordRef, options: CallOptions): Promise<CrmRecord | null>;
  create(type: string, fields: Record<string, FieldValue>, options: CallOptions): Promise<CrmRecord>;
  update(ref: RecordRef, fields: Record<string, FieldValue>, options: CallOptions): Promise<CrmRecord>;
  logActivity(activity: ActivityInput, options: CallOptions): Promise<{ record: CrmRecord; created: boolean }>;
  /** Activities (tasks) regarding a record, newest first. */
  listActivities(ref: RecordRef, options: QueryOptions): Promise<CrmRecord[]>;
}

export interface CallOptions {
  signal: AbortSignal;
}

export interface QueryOptions extends CallOptions {
  limit: number;
}

export interface ActivityInput {
  /** Idempotency key: one activity per key, ever. */
  key: string;
  regarding: RecordRef;
  subject: string;
  description: string;
  /** Extra fields for the activity (interaction ID, disposition, duration...). */
  fields: Record<string, FieldValue>;
}

/** A CRM refused or failed a call. `status` is the HTTP status when the CRM answered one. */
export class CrmError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Field-level problems the CRM reported, by field name. */
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}
