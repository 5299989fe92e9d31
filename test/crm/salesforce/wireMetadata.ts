import type { FieldDef, ObjectDef } from './wireSchema.js';

/**
 * The wire server's sObject Describe (GET /services/data/vXX.X/sobjects/<Type>/describe), per the REST API
 * Developer Guide ("Get Field and Other Metadata for an Object") and the DescribeSObjectResult / Field
 * reference of the SOAP API Developer Guide: {name, label, labelPlural, keyPrefix, custom, createable,
 * updateable, queryable, searchable, fields: [{name, label, type, length, createable, updateable, nillable,
 * calculated, defaultValue, defaultedOnCreate, picklistValues: [{active, defaultValue, label, validFor,
 * value}], referenceTo, relationshipName, nameField, custom, deprecatedAndHidden, ...}], urls,
 * childRelationships, recordTypeInfos}. Only what an org of this size has is filled: childRelationships and
 * recordTypeInfos are empty, urls has the sobject URLs only.
 *
 * Labels and picklist values are those of a stock org (the Object Reference and Setup's field lists); the
 * long stock picklists (Industry, Account Type) are cut to a few values. The docs are silent on the order of
 * `fields`: this server answers them in its schema's order.
 */

const OBJECT_LABELS: Readonly<Record<string, [string, string]>> = {
  User: ['User', 'Users'],
  Account: ['Account', 'Accounts'],
  Contact: ['Contact', 'Contacts'],
  Lead: ['Lead', 'Leads'],
  Case: ['Case', 'Cases'],
  Opportunity: ['Opportunity', 'Opportunities'],
  WorkOrder: ['Work Order', 'Work Orders'],
  Task: ['Task', 'Tasks'],
  Interaction__c: ['Interaction', 'Interactions'],
};

/** Stock field labels; a field not listed is labelled from its API name (custom fields: their label). */
const FIELD_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '*': {
    Id: 'Record ID',
    IsDeleted: 'Deleted',
    OwnerId: 'Owner ID',
    CreatedDate: 'Created Date',
    CreatedById: 'Created By ID',
    LastModifiedDate: 'Last Modified Date',
    LastModifiedById: 'Last Modified By ID',
    SystemModstamp: 'System Modstamp',
    Description: 'Description',
    Last_Agent__c: 'Last Agent',
    Last_Disposition__c: 'Last Disposition',
    Last_Contact_At__c: 'Last Contact At',
    Last_Interaction_Id__c: 'Last Interaction ID',
  },
  Account: {
    Id: 'Account ID',
    Name: 'Account Name',
    Type: 'Account Type',
    Phone: 'Account Phone',
    Fax: 'Account Fax',
    NumberOfEmployees: 'Employees',
    Description: 'Account Description',
  },
  Contact: {
    Id: 'Contact ID',
    AccountId: 'Account ID',
    Name: 'Full Name',
    Phone: 'Business Phone',
    HomePhone: 'Home Phone',
    AssistantPhone: 'Asst. Phone',
    Description: 'Contact Description',
  },
  Lead: { Id: 'Lead ID', Status: 'Lead Status', Name: 'Full Name', IsConverted: 'Converted' },
  Case: { Id: 'Case ID', ContactId: 'Contact ID', AccountId: 'Account ID', Origin: 'Case Origin', IsClosed: 'Closed' },
  Opportunity: { Id: 'Opportunity ID', Name: 'Name', StageName: 'Stage', IsClosed: 'Closed', IsWon: 'Won' },
  Task: {
    Id: 'Activity ID',
    WhoId: 'Name ID',
    WhatId: 'Related To ID',
    AccountId: 'Account ID',
    ActivityDate: 'Due Date Only',
    CallObject: 'Call Object Identifier',
    CallDisposition: 'Call Result',
    CallDurationInSeconds: 'Call Duration',
    CustomerCardKey__c: 'Customer Card Key',
    IsClosed: 'Closed',
  },
  Interaction__c: { Name: 'Interaction Name', Channel__c: 'Channel', Contact__c: 'Contact', Duration__c: 'Duration', Notes__c: 'Notes' },
};

/** Stock picklists (value = label in a stock org); the first default-flagged value is the field's default. */
const PICKLISTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Account: { Type: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Other'], Industry: ['Banking', 'Healthcare', 'Retail', 'Technology', 'Other'] },
  Lead: { Status: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], Industry: ['Banking', 'Healthcare', 'Retail', 'Technology', 'Other'] },
  Case: { Status: ['New', 'Working', 'Escalated', 'Closed'], Priority: ['High', 'Medium', 'Low'], Origin: ['Phone', 'Email', 'Web'] },
  Opportunity: { StageName: ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'] },
  WorkOrder: { Status: ['New', 'In Progress', 'On Hold', 'Completed', 'Closed', 'Cannot Complete', 'Canceled'], Priority: ['Low', 'Medium', 'High', 'Critical'] },
  Task: {
    Status: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
    Priority: ['High', 'Normal', 'Low'],
    TaskSubtype: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
    Type: ['Call', 'Email', 'Meeting', 'Other'],
    CallType: ['Internal', 'Inbound', 'Outbound'],
  },
  Interaction__c: { Channel__c: ['Voice', 'Chat', 'Email'] },
};

export interface PicklistEntry {
  active: boolean;
  defaultValue: boolean;
  label: string;
  validFor: null;
  value: string;
}

/** An org's picklists, which an admin may relabel (Setup: the value's label changes, its API name stays). */
export class OrgPicklists {
  private readonly labels = new Map<string, string>();

  relabel(object: string, field: string, value: string, label: string): void {
    this.labels.set(`${object}.${field}.${value}`, label);
  }

  entries(object: ObjectDef, field: string): PicklistEntry[] {
    const def = object.fields[field]!;
    const values = PICKLISTS[object.name]?.[field] ?? [];
    return values.map((value) => ({
      active: true,
      defaultValue: def.defaultValue === value,
      label: this.labels.get(`${object.name}.${field}.${value}`) ?? value,
      validFor: null,
      value,
    }));
  }
}

export function describeObject(object: ObjectDef, apiBase: string, picklists: OrgPicklists): Record<string, unknown> {
  const [label, labelPlural] = OBJECT_LABELS[object.name] ?? [object.name, `${object.name}s`];
  const custom = object.name.endsWith('__c');
  return {
    name: object.name,
    label,
    labelPlural,
    keyPrefix: object.prefix,
    custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    searchable: object.name !== 'User',
    fields: Object.entries(object.fields).map(([name, def]) => describeField(object, name, def, picklists)),
    childRelationships: [],
    recordTypeInfos: [],
    urls: { sobject: `${apiBase}/sobjects/${object.name}`, describe: `${apiBase}/sobjects/${object.name}/describe`, rowTemplate: `${apiBase}/sobjects/${object.name}/{ID}` },
  };
}

function describeField(object: ObjectDef, name: string, def: FieldDef, picklists: OrgPicklists): Record<string, unknown> {
  const createOnly = object.name === 'Task' && name === 'TaskSubtype';
  const isPicklist = def.type === 'picklist';
  return {
    name,
    label: FIELD_LABELS[object.name]?.[name] ?? FIELD_LABELS['*']![name] ?? labelFromName(name),
    type: def.type,
    length: def.maxLength ?? (def.type === 'id' || def.type === 'reference' ? 18 : 0),
    custom: name.endsWith('__c'),
    createable: !def.readOnly,
    updateable: !def.readOnly && !createOnly,
    nillable: !def.required && def.type !== 'boolean' && def.type !== 'id',
    calculated: false,
    autoNumber: object.autoNumber?.field === name,
    defaultedOnCreate: def.defaultValue !== undefined || def.readOnly === true,
    defaultValue: isPicklist ? null : (def.defaultValue ?? (def.type === 'boolean' ? false : null)),
    deprecatedAndHidden: false,
    externalId: def.unique === true,
    unique: def.unique === true,
    nameField: name === 'Name' || object.autoNumber?.field === name,
    picklistValues: isPicklist ? picklists.entries(object, name) : [],
    referenceTo: def.refersTo ?? [],
    relationshipName: def.type === 'reference' ? relationshipName(name) : null,
  };
}

/** AccountId -> Account, Contact__c -> Contact__r (the names SOQL traverses). */
export function relationshipName(field: string): string {
  return field.endsWith('__c') ? `${field.slice(0, -3)}__r` : field.replace(/Id$/, '');
}

function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}
