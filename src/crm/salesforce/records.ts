import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import type { NativeStandardType, StandardRecordType } from '../standardRecords.js';
import { canonicalView } from './canonical.js';
import type { SObjectMetadata } from './metadata.js';

/**
 * Salesforce JSON records as CrmRecords, and SPEC's standard records under Salesforce's names.
 */

/** A record as Salesforce's REST API returns it: fields by API name, plus "attributes" {type, url}. */
export interface SObjectJson {
  attributes?: { type?: string; url?: string };
  Id?: string;
  [field: string]: unknown;
}

/** SPEC's Salesforce catalogue: Account, Case, Contact, Lead, Opportunity, Work Order. */
export const SALESFORCE_STANDARD_TYPES: Readonly<Partial<Record<StandardRecordType, NativeStandardType>>> = {
  account: { type: 'Account', fields: { name: 'Name', phone: 'Phone', website: 'Website', industry: 'Industry', city: 'BillingCity' } },
  contact: {
    type: 'Contact',
    fields: {
      firstName: 'FirstName',
      lastName: 'LastName',
      phone: 'Phone',
      mobilePhone: 'MobilePhone',
      email: 'Email',
      accountId: 'AccountId',
      title: 'Title',
    },
  },
  case: {
    type: 'Case',
    fields: { subject: 'Subject', description: 'Description', status: 'Status', priority: 'Priority', contactId: 'ContactId', accountId: 'AccountId' },
  },
  lead: { type: 'Lead', fields: { firstName: 'FirstName', lastName: 'LastName', company: 'Company', phone: 'Phone', email: 'Email', status: 'Status' } },
  opportunity: { type: 'Opportunity', fields: { name: 'Name', stage: 'StageName', closeDate: 'CloseDate', amount: 'Amount', accountId: 'AccountId' } },
  work_order: {
    type: 'WorkOrder',
    fields: { subject: 'Subject', description: 'Description', status: 'Status', contactId: 'ContactId', accountId: 'AccountId' },
  },
};

/** The phone fields of the records Search for ANI looks at, per object. */
export const PHONE_FIELDS: Readonly<Partial<Record<SearchObject, readonly string[]>>> = {
  Account: ['Phone'],
  Contact: ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'],
  Lead: ['Phone', 'MobilePhone'],
};

/** What the searches (ANI, email, text) return of each object (SOSL RETURNING takes a field list). */
export const SEARCH_FIELDS: Readonly<Record<SearchObject, readonly string[]>> = {
  Account: ['Id', 'Name', 'Phone', 'Website', 'Industry', 'BillingCity', 'Type', 'CreatedDate'],
  Contact: ['Id', 'Name', 'FirstName', 'LastName', 'Title', 'Email', 'Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'AccountId', 'Account.Name', 'CreatedDate'],
  Lead: ['Id', 'Name', 'FirstName', 'LastName', 'Company', 'Title', 'Email', 'Phone', 'MobilePhone', 'Status', 'CreatedDate'],
  Case: ['Id', 'CaseNumber', 'Subject', 'Status', 'Priority', 'ContactId', 'Contact.Name', 'AccountId', 'Account.Name', 'CreatedDate'],
};

export type SearchObject = 'Account' | 'Contact' | 'Lead' | 'Case';

/**
 * A Salesforce record as a CrmRecord. Scalar fields are kept as they are; a related record's fields
 * (Account: {Name}) become "Account.Name"; compound fields (BillingAddress) are left out, their parts
 * (BillingCity...) being fields of their own. Role, canonical fields, type label and display values come
 * from canonical.ts, with the type's describe when the caller has it.
 */
export function toCrmRecord(raw: SObjectJson, fallbackType: string, metadata?: SObjectMetadata): CrmRecord {
  const type = raw.attributes?.type ?? fallbackType;
  const fields: Record<string, FieldValue> = {};
  flatten(raw, '', fields);
  const id = typeof raw.Id === 'string' ? raw.Id : '';
  const view = canonicalView(type, fields, metadata);
  const record: CrmRecord = { type, id, name: recordName(type, fields, id), role: view.role, typeLabel: view.typeLabel, canonical: view.canonical, fields };
  if (Object.keys(view.display).length > 0) record.display = view.display;
  return record;
}

function flatten(raw: Record<string, unknown>, prefix: string, out: Record<string, FieldValue>): void {
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'attributes') continue;
    // An unset reference's related record comes back as "Account": null; its id field (AccountId) says it all.
    if (value === null && isRelationshipOf(raw, key)) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[prefix + key] = value;
    } else if (typeof value === 'object' && !Array.isArray(value) && 'attributes' in value) {
      flatten(value as Record<string, unknown>, `${prefix}${key}.`, out);
    }
  }
}

function isRelationshipOf(raw: Record<string, unknown>, key: string): boolean {
  return `${key}Id` in raw || (key.endsWith('__r') && `${key.slice(0, -3)}__c` in raw);
}

/** The label a record shows under: a person's or account's name, a case's number and subject, a task's subject. */
export function recordName(type: string, fields: Record<string, FieldValue>, id: string): string {
  const text = (field: string) => {
    const value = fields[field];
    return value === null || value === undefined ? '' : String(value).trim();
  };
  const joined = (...names: string[]) => names.map(text).filter(Boolean).join(' ');
  switch (type) {
    case 'Case':
      return joined('CaseNumber', 'Subject') || id;
    case 'WorkOrder':
      return joined('WorkOrderNumber', 'Subject') || id;
    case 'Task':
    case 'Event':
      return text('Subject') || id;
    case 'Contact':
    case 'Lead':
      return text('Name') || joined('FirstName', 'LastName') || text('Email') || id;
    default:
      return text('Name') || text('Subject') || id;
  }
}
