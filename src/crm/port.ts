import type { CrmRecord, FieldValue, RecordRef, RecordRole } from '../domain/crmRecord.js';
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
 * - Every record returned carries its `role` and `canonical` fields, mapped in one place per connector, so
 *   that no service or card reads a CRM's own type or field names; references come with their names.
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
  /** Activities (tasks) regarding a record, newest first, each with `canonical.activityDate` and `description`. */
  listActivities(ref: RecordRef, options: QueryOptions): Promise<CrmRecord[]>;
  /**
   * What an agent typed in a search box, over the records of the given roles, as far as this CRM's search
   * allows (accents and case folded where it can). A case role also matches a case number. A request the
   * CRM refuses for one type (403: a missing permission) does not discard what the others found: it is
   * named in `refused`. Any other failure rejects.
   */
  searchText(text: string, roles: readonly SearchableRole[], options: QueryOptions): Promise<TextSearchResult>;
  /**
   * A record type as its CRM describes it (Salesforce describe, Dataverse EntityDefinitions, ServiceNow
   * sys_dictionary, Zendesk user/ticket fields), cached by the connector. Rejects with CrmError 404 for a
   * type the CRM does not have.
   */
  describe(type: string, options: CallOptions): Promise<RecordTypeDescription>;
}

export type SearchableRole = Extract<RecordRole, 'person' | 'organization' | 'lead' | 'case'>;

export interface TextSearchResult {
  records: CrmRecord[];
  /** Types the CRM refused to search (a missing permission), with the reason an admin reads. */
  refused: Array<{ type: string; reason: string }>;
}

export interface RecordTypeDescription {
  type: string;
  /** The type's display name in the CRM ("Case", "Phone Call", "Organization"). */
  label: string;
  /** The fields a person may see, by the CRM's field name. A field left out is internal (versions, owners' ids...). */
  fields: Record<string, FieldDescription>;
}

export interface FieldDescription {
  /** The CRM's own label for the field ("Account Name", "Mobile Phone"). */
  label: string;
  kind: 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'phone' | 'email' | 'reference' | 'choice';
  /** Whether an update may set it: false for derived, read-only and system fields. */
  writable: boolean;
  /** A choice field's values and their labels, in the CRM's order. */
  choices?: Array<{ value: string; label: string }>;
  /** The value the CRM gives a new record when none is sent (a choice's default). */
  defaultValue?: string;
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
  /** When the interaction happened (ISO 8601 instant): the activity is dated by it, not by when it is written. */
  at: string;
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
