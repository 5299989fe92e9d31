import type { CanonicalFields, FieldValue, RecordRole, RelatedRecord } from '../../domain/crmRecord.js';
import type { SObjectMetadata } from './metadata.js';

/**
 * THE place where Salesforce's objects and fields become the canonical model: record roles, canonical
 * fields, the type's display name and the readable value of references and picklists. Nothing outside
 * src/crm/salesforce/ reads Salesforce's names; inside it, only this file says which field plays which role.
 */

const ROLES: Readonly<Record<string, RecordRole>> = {
  Contact: 'person',
  Account: 'organization',
  Lead: 'lead',
  Case: 'case',
  Task: 'activity',
  Event: 'activity',
};

/** The phone fields of each person-like object, the main one first. */
const PHONES: Readonly<Record<string, readonly string[]>> = {
  Contact: ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'],
  Lead: ['Phone', 'MobilePhone'],
  Account: ['Phone'],
};

/** The Salesforce objects of each searchable role (searchText). */
export const OBJECTS_BY_ROLE = {
  person: 'Contact',
  organization: 'Account',
  lead: 'Lead',
  case: 'Case',
} as const;

/** Id key prefixes of the objects a polymorphic reference (WhoId, WhatId) may point at. */
const KEY_PREFIXES: Readonly<Record<string, string>> = { '001': 'Account', '003': 'Contact', '00Q': 'Lead', '500': 'Case' };

export function roleOf(type: string): RecordRole {
  return ROLES[type] ?? 'other';
}

export interface CanonicalView {
  role: RecordRole;
  typeLabel: string;
  canonical: CanonicalFields;
  display: Record<string, string>;
}

/**
 * The canonical view of a Salesforce record whose fields are flattened ("Account.Name" for a related name).
 * `metadata` (the type's describe) gives the type's label, the picklist labels and which related name goes
 * with which reference; without it the type's own name and the stored values are shown.
 */
export function canonicalView(type: string, fields: Readonly<Record<string, FieldValue>>, metadata: SObjectMetadata | undefined): CanonicalView {
  const display = displayOf(fields, metadata);
  const text = (field: string) => {
    const value = fields[field];
    return value === null || value === undefined || value === '' ? undefined : String(value);
  };
  const shown = (field: string) => display[field] ?? text(field);
  const related = (field: string, relatedType: string | undefined): RelatedRecord | undefined => {
    const id = text(field);
    const name = display[field];
    return id && name && relatedType ? { ref: { type: relatedType, id }, name } : undefined;
  };
  const role = roleOf(type);
  const canonical: CanonicalFields = {};
  const set = <K extends keyof CanonicalFields>(key: K, value: CanonicalFields[K] | undefined) => {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) canonical[key] = value;
  };

  switch (role) {
    case 'person':
    case 'lead':
      set('firstName', text('FirstName'));
      set('lastName', text('LastName'));
      set('email', text('Email'));
      set(
        'phones',
        (PHONES[type] ?? []).map(text).filter((v): v is string => v !== undefined),
      );
      if (role === 'person') set('organization', related('AccountId', 'Account'));
      if (role === 'lead') set('status', shown('Status'));
      break;
    case 'organization':
      set(
        'phones',
        (PHONES[type] ?? []).map(text).filter((v): v is string => v !== undefined),
      );
      break;
    case 'case':
      set('caseNumber', text('CaseNumber'));
      set('subject', text('Subject'));
      set('status', shown('Status'));
      set('priority', shown('Priority'));
      set('description', text('Description'));
      set('person', related('ContactId', 'Contact'));
      set('organization', related('AccountId', 'Account'));
      break;
    case 'activity':
      set('subject', text('Subject'));
      set('description', text('Description'));
      set('status', shown('Status'));
      set('priority', shown('Priority'));
      // A Task keeps only the call's date (ActivityDate is a date field); an Event keeps its instant.
      set('activityDate', isoInstant(text('ActivityDateTime') ?? text('ActivityDate') ?? text('CreatedDate')));
      set('person', related('WhoId', typeOfId(text('WhoId'))));
      set('organization', related('AccountId', 'Account'));
      break;
    default:
      break;
  }
  return { role, typeLabel: metadata?.description.label ?? type, canonical, display };
}

/** References by their related record's name, picklists by their labels. */
function displayOf(fields: Readonly<Record<string, FieldValue>>, metadata: SObjectMetadata | undefined): Record<string, string> {
  const display: Record<string, string> = {};
  // Without the describe, the relationship every person and case read asks for.
  const relationships = metadata?.relationships ?? new Map([['AccountId', 'Account.Name']]);
  for (const [field, path] of relationships) {
    const name = fields[path];
    if (fields[field] && typeof name === 'string' && name !== '') display[field] = name;
  }
  for (const [field, labels] of metadata?.picklistLabels ?? []) {
    const value = fields[field];
    if (typeof value !== 'string' || value === '') continue;
    // A multi-select picklist stores its values separated by semicolons.
    display[field] = value
      .split(';')
      .map((v) => labels.get(v) ?? v)
      .join('; ');
  }
  return display;
}

function typeOfId(id: string | undefined): string | undefined {
  return id ? KEY_PREFIXES[id.slice(0, 3)] : undefined;
}

/**
 * Salesforce dates and datetimes in ISO 8601: a datetime (2026-03-04T10:20:30.000+0000) as the same instant
 * in UTC; a date (2026-03-04) stays a date, a calendar day in no zone (an instant would move it a day back
 * for an agent west of UTC).
 */
export function isoInstant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
