import type { CanonicalFields, FieldValue, RecordRole, RelatedRecord } from '../../domain/crmRecord.js';
import type { SearchableRole } from '../port.js';

/** A lookup of a row: the related record's id, its table (lookuplogicalname) and its name (FormattedValue). */
export interface LookupValue {
  id: string;
  target?: string;
  name?: string;
}

/** The Dataverse table of each searchable role (standard tables of Dynamics 365). */
export const TABLE_OF_ROLE: Readonly<Record<SearchableRole, string>> = {
  person: 'contact',
  organization: 'account',
  lead: 'lead',
  case: 'incident',
};

const ROLE_OF_TABLE: Readonly<Record<string, RecordRole>> = { contact: 'person', account: 'organization', lead: 'lead', incident: 'case' };

/** Phone columns in the order a person reads them (main first). */
const PHONE_COLUMNS = ['telephone1', 'mobilephone', 'telephone2', 'telephone3', 'business2', 'home2', 'address1_telephone1', 'address2_telephone1'];
const EMAIL_COLUMNS = ['emailaddress1', 'emailaddress2', 'emailaddress3'];
/** When an activity happened: a completed one ends (actualend); else its start, its due time, its creation. */
const ACTIVITY_DATE_COLUMNS = ['actualend', 'actualstart', 'scheduledend', 'createdon'];

/** Columns the canonical fields are read from, besides the readable ones: a read selects them too. */
export const CANONICAL_COLUMNS = ['ticketnumber', 'title', 'description', 'subject', 'actualend', 'actualstart', 'scheduledend', 'createdon', 'activitytypecode'];

/**
 * The role and canonical fields of a Dataverse row (fields, display values and lookups as recordMapping.ts
 * read them). contact → person, account → organization, lead → lead, incident → case, activity tables
 * (and activity pointers) → activity; any other table → other, with no canonical fields.
 */
export function canonicalOf(
  table: string,
  activity: boolean,
  fields: Record<string, FieldValue>,
  display: Record<string, string>,
  lookups: ReadonlyMap<string, LookupValue>,
): { role: RecordRole; canonical: CanonicalFields } {
  const text = (column: string) => (typeof fields[column] === 'string' && (fields[column] as string).trim() ? (fields[column] as string) : undefined);
  const related = (column: string, targets: readonly string[]): RelatedRecord | undefined => {
    const lookup = lookups.get(column);
    if (!lookup?.target || !targets.includes(lookup.target)) return undefined;
    return { ref: { type: lookup.target, id: lookup.id }, name: lookup.name ?? lookup.id };
  };
  const role: RecordRole = activity ? 'activity' : (ROLE_OF_TABLE[table] ?? 'other');
  const canonical: CanonicalFields = {};
  const put = <K extends keyof CanonicalFields>(key: K, value: CanonicalFields[K] | undefined) => {
    if (value !== undefined) canonical[key] = value;
  };
  if (role === 'person' || role === 'lead' || role === 'organization') {
    if (role !== 'organization') {
      put('firstName', text('firstname'));
      put('lastName', text('lastname'));
    }
    put('email', EMAIL_COLUMNS.map(text).find(Boolean));
    const phones = PHONE_COLUMNS.map(text).filter((p): p is string => Boolean(p));
    if (phones.length > 0) canonical.phones = [...new Set(phones)];
    if (role === 'person') put('organization', related('parentcustomerid', ['account']));
    if (role === 'lead') put('organization', related('parentaccountid', ['account']) ?? related('customerid', ['account']));
  } else if (role === 'case') {
    put('caseNumber', text('ticketnumber'));
    put('subject', text('title'));
    put('description', text('description'));
    put('status', display.statuscode);
    put('priority', display.prioritycode);
    // Given a contact and an account, the account is the customer and the contact the primary contact.
    put('person', related('primarycontactid', ['contact']) ?? related('customerid', ['contact']));
    put('organization', related('customerid', ['account']));
  } else if (role === 'activity') {
    put('subject', text('subject'));
    put('description', text('description'));
    put('activityDate', ACTIVITY_DATE_COLUMNS.map(text).find(Boolean));
    put('person', related('regardingobjectid', ['contact', 'lead']));
    put('organization', related('regardingobjectid', ['account']));
    put('status', display.statuscode ?? display.statecode);
  }
  return { role, canonical };
}
