/**
 * The objects of the local Salesforce org the wire server plays: the standard objects the connector uses
 * (field names, types, required and read-only fields as Salesforce's Object Reference describes them, cut
 * down to what the tests touch), one custom object, and the custom fields an admin would add (the timeline
 * key, memorialization targets).
 */

export type FieldType = 'id' | 'reference' | 'string' | 'textarea' | 'phone' | 'email' | 'url' | 'picklist' | 'date' | 'datetime' | 'double' | 'currency' | 'int' | 'boolean';

export interface FieldDef {
  type: FieldType;
  /** Must have a value on create (Salesforce: REQUIRED_FIELD_MISSING). */
  required?: boolean;
  /** Computed or system: writing it is INVALID_FIELD_FOR_INSERT_UPDATE. */
  readOnly?: boolean;
  /** Objects a reference may point at. */
  refersTo?: string[];
  /** Unique (external ID) field: a second record with the value is DUPLICATE_VALUE. */
  unique?: boolean;
  defaultValue?: string | number | boolean;
  maxLength?: number;
  /** A name field (SOSL IN NAME FIELDS). */
  nameField?: boolean;
}

export interface ObjectDef {
  name: string;
  /** The 3-character key prefix of its record IDs. */
  prefix: string;
  fields: Record<string, FieldDef>;
  /** An auto-number field and its display format. */
  autoNumber?: { field: string; format: (n: number) => string };
}

const system: Record<string, FieldDef> = {
  Id: { type: 'id', readOnly: true },
  IsDeleted: { type: 'boolean', readOnly: true },
  OwnerId: { type: 'reference', refersTo: ['User'] },
  CreatedDate: { type: 'datetime', readOnly: true },
  CreatedById: { type: 'reference', readOnly: true, refersTo: ['User'] },
  LastModifiedDate: { type: 'datetime', readOnly: true },
  LastModifiedById: { type: 'reference', readOnly: true, refersTo: ['User'] },
  SystemModstamp: { type: 'datetime', readOnly: true },
};

/** Memorialization targets an admin creates on the person and account objects. */
const memorialized: Record<string, FieldDef> = {
  Last_Agent__c: { type: 'string', maxLength: 255 },
  Last_Disposition__c: { type: 'string', maxLength: 255 },
  Last_Contact_At__c: { type: 'string', maxLength: 255 },
  Last_Interaction_Id__c: { type: 'string', maxLength: 255 },
};

const text = (extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'string', maxLength: 255, ...extra });

export const OBJECTS: Record<string, ObjectDef> = {
  User: { name: 'User', prefix: '005', fields: { ...system, Name: text({ nameField: true }) } },
  Account: {
    name: 'Account',
    prefix: '001',
    fields: {
      ...system,
      Name: text({ required: true, nameField: true }),
      Type: { type: 'picklist' },
      Phone: { type: 'phone', maxLength: 40 },
      Fax: { type: 'phone', maxLength: 40 },
      Website: { type: 'url' },
      Industry: { type: 'picklist' },
      BillingStreet: { type: 'textarea' },
      BillingCity: text(),
      BillingState: text(),
      BillingPostalCode: text(),
      BillingCountry: text(),
      AnnualRevenue: { type: 'currency' },
      NumberOfEmployees: { type: 'int' },
      Description: { type: 'textarea' },
      ...memorialized,
    },
  },
  Contact: {
    name: 'Contact',
    prefix: '003',
    fields: {
      ...system,
      AccountId: { type: 'reference', refersTo: ['Account'] },
      FirstName: text({ nameField: true }),
      LastName: text({ required: true, nameField: true }),
      Name: text({ readOnly: true, nameField: true }),
      Title: text(),
      Department: text(),
      Email: { type: 'email' },
      Phone: { type: 'phone', maxLength: 40 },
      MobilePhone: { type: 'phone', maxLength: 40 },
      HomePhone: { type: 'phone', maxLength: 40 },
      OtherPhone: { type: 'phone', maxLength: 40 },
      AssistantPhone: { type: 'phone', maxLength: 40 },
      MailingCity: text(),
      Description: { type: 'textarea' },
      ...memorialized,
    },
  },
  Lead: {
    name: 'Lead',
    prefix: '00Q',
    fields: {
      ...system,
      FirstName: text({ nameField: true }),
      LastName: text({ required: true, nameField: true }),
      Name: text({ readOnly: true, nameField: true }),
      Company: text({ required: true, nameField: true }),
      Title: text(),
      Email: { type: 'email' },
      Phone: { type: 'phone', maxLength: 40 },
      MobilePhone: { type: 'phone', maxLength: 40 },
      Status: { type: 'picklist', defaultValue: 'Open - Not Contacted' },
      Industry: { type: 'picklist' },
      IsConverted: { type: 'boolean', readOnly: true },
      Description: { type: 'textarea' },
      ...memorialized,
    },
  },
  Case: {
    name: 'Case',
    prefix: '500',
    autoNumber: { field: 'CaseNumber', format: (n) => String(n).padStart(8, '0') },
    fields: {
      ...system,
      CaseNumber: text({ readOnly: true }),
      ContactId: { type: 'reference', refersTo: ['Contact'] },
      AccountId: { type: 'reference', refersTo: ['Account'] },
      Subject: text({ nameField: true }),
      Description: { type: 'textarea' },
      Status: { type: 'picklist', defaultValue: 'New' },
      Priority: { type: 'picklist', defaultValue: 'Medium' },
      Origin: { type: 'picklist' },
      IsClosed: { type: 'boolean', readOnly: true },
      ClosedDate: { type: 'datetime', readOnly: true },
      ...memorialized,
    },
  },
  Opportunity: {
    name: 'Opportunity',
    prefix: '006',
    fields: {
      ...system,
      AccountId: { type: 'reference', refersTo: ['Account'] },
      Name: text({ required: true, nameField: true }),
      StageName: { type: 'picklist', required: true },
      CloseDate: { type: 'date', required: true },
      Amount: { type: 'currency' },
      Probability: { type: 'double' },
      IsClosed: { type: 'boolean', readOnly: true },
      IsWon: { type: 'boolean', readOnly: true },
      Description: { type: 'textarea' },
    },
  },
  WorkOrder: {
    name: 'WorkOrder',
    prefix: '0WO',
    autoNumber: { field: 'WorkOrderNumber', format: (n) => String(n).padStart(8, '0') },
    fields: {
      ...system,
      WorkOrderNumber: text({ readOnly: true }),
      AccountId: { type: 'reference', refersTo: ['Account'] },
      ContactId: { type: 'reference', refersTo: ['Contact'] },
      CaseId: { type: 'reference', refersTo: ['Case'] },
      Subject: text({ nameField: true }),
      Description: { type: 'textarea' },
      Status: { type: 'picklist', defaultValue: 'New' },
      Priority: { type: 'picklist', defaultValue: 'Low' },
      IsClosed: { type: 'boolean', readOnly: true },
    },
  },
  Task: {
    name: 'Task',
    prefix: '00T',
    fields: {
      ...system,
      WhoId: { type: 'reference', refersTo: ['Contact', 'Lead'] },
      WhatId: { type: 'reference', refersTo: ['Account', 'Case', 'Opportunity', 'WorkOrder', 'Interaction__c'] },
      AccountId: { type: 'reference', readOnly: true, refersTo: ['Account'] },
      Subject: text({ nameField: true }),
      Description: { type: 'textarea', maxLength: 32_000 },
      Status: { type: 'picklist', defaultValue: 'Not Started' },
      Priority: { type: 'picklist', defaultValue: 'Normal' },
      ActivityDate: { type: 'date' },
      TaskSubtype: { type: 'picklist' },
      Type: { type: 'picklist' },
      CallObject: text(),
      CallType: { type: 'picklist' },
      CallDisposition: text(),
      CallDurationInSeconds: { type: 'int' },
      IsClosed: { type: 'boolean', readOnly: true },
      CustomerCardKey__c: text({ unique: true }),
    },
  },
  Interaction__c: {
    name: 'Interaction__c',
    prefix: 'a0B',
    fields: {
      ...system,
      Name: text({ required: true, nameField: true }),
      Channel__c: { type: 'picklist' },
      Contact__c: { type: 'reference', refersTo: ['Contact'] },
      Duration__c: { type: 'double' },
      Notes__c: { type: 'textarea' },
    },
  },
};

/** The object of a name as Salesforce matches it (case-insensitively). */
export function objectNamed(name: string): ObjectDef | undefined {
  const lower = name.toLowerCase();
  return Object.values(OBJECTS).find((o) => o.name.toLowerCase() === lower);
}

/** The canonical name of an object's field, matched case-insensitively. */
export function fieldNamed(object: ObjectDef, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object.fields).find((f) => f.toLowerCase() === lower);
}

export const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'textarea', 'phone', 'email', 'url', 'picklist']);
export const NUMBER_TYPES: ReadonlySet<FieldType> = new Set(['double', 'currency', 'int']);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** A Salesforce-shaped 18-character ID: prefix, pod, a counter (so IDs sort by creation), and the case-safe suffix. */
export function makeId(prefix: string, counter: number): string {
  let digits = '';
  let n = counter;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[n % 62]! + digits;
    n = Math.floor(n / 62);
  }
  const id15 = `${prefix}Dn0${digits}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15[chunk * 5 + j]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << j;
    }
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

export function isIdShaped(value: string): boolean {
  return /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(value);
}
