/**
 * What a record is to the Customer Card, whatever its CRM calls it: a person (Salesforce Contact, Dataverse
 * contact, ServiceNow customer_contact, Zendesk end user), an organization (Account, account, customer_account,
 * organization), a lead, a case (Case, incident, ticket), an activity (Task, phonecall, interaction, a ticket
 * comment) or anything else. Services and cards decide by role, never by a CRM's type name.
 */
export type RecordRole = 'person' | 'organization' | 'lead' | 'case' | 'activity' | 'other';

export const RECORD_ROLES: readonly RecordRole[] = ['person', 'organization', 'lead', 'case', 'activity', 'other'];

/** Another record this one points at, with the name a person reads (never only its id). */
export interface RelatedRecord {
  ref: RecordRef;
  name: string;
}

/**
 * The fields services and cards read, under canonical roles. Each connector fills them from its CRM's own
 * fields in one place (its record mapping); a role the record does not have is left out.
 */
export interface CanonicalFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Phone numbers as the CRM stores them, the main one first. */
  phones?: string[];
  /** The organization a person, lead or case belongs to (Salesforce AccountId + Account.Name, ...). */
  organization?: RelatedRecord;
  /** The person a case or an activity concerns. */
  person?: RelatedRecord;
  /** A case's number as agents quote it (CS-1001, 00001026, CAS-01234-X1Y2Z3, INC0010001, #42). */
  caseNumber?: string;
  subject?: string;
  /** A case's status as a person reads it (the choice's label, not its stored value). */
  status?: string;
  /** A case's priority as a person reads it. */
  priority?: string;
  /** When an activity happened (ISO 8601 instant): the call's time, not the day a job wrote it. */
  activityDate?: string;
  description?: string;
}

/** A record in a CRM (account, contact, case, lead, task or any custom type), as every connector returns it. */
export interface CrmRecord {
  /** Record type as the CRM names it ("Contact", "incident", "customer_contact", "work_order", ...). */
  type: string;
  /** The CRM's own identifier for the record. */
  id: string;
  /** A human label: a person's full name, an account name, a case subject. */
  name: string;
  /** What the record is to the card (see RecordRole). */
  role: RecordRole;
  /** The record type's display name in its CRM ("Contact", "Case", "Phone Call"); the type itself when unknown. */
  typeLabel?: string;
  /** The fields the card reads, by role (see CanonicalFields). */
  canonical: CanonicalFields;
  /** Every field the CRM returned, by the CRM's field name. Values are text, numbers, booleans or null. */
  fields: Record<string, FieldValue>;
  /**
   * What a person reads where the stored value is not it, by the CRM's field name: a reference's name
   * instead of its id, a choice's label instead of its value. Fields left out read as they are stored.
   */
  display?: Record<string, string>;
}

export type FieldValue = string | number | boolean | null;

/** Whether a value is one a field holds: text, a number (not NaN), true or false, or null. */
export function isFieldValue(value: unknown): value is FieldValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

/** What a person is told of a value that is not one a field holds. */
export const NOT_A_FIELD_VALUE = 'must be text, a number, true or false, or null';

/** Points at a record without carrying its data. */
export interface RecordRef {
  type: string;
  id: string;
}

export function refOf(record: RecordRef): RecordRef {
  return { type: record.type, id: record.id };
}

export function sameRef(a: RecordRef, b: RecordRef): boolean {
  return a.type === b.type && a.id === b.id;
}

export function refKey(ref: RecordRef): string {
  return `${ref.type}:${ref.id}`;
}
