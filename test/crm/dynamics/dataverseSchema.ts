/**
 * The tables of the local Dataverse test environment: the standard tables the connector uses, with their
 * standard columns, lookups (and the navigation property names Dataverse gives them), choices and lengths.
 * Customizations of this "org", as admins make them: contact.lastname holds 100 characters (Dataverse's
 * default is 50; the contract suite writes 51); cases have the status reasons New, Working and Closed besides
 * the standard ones (the contract suite writes those); contacts have three custom columns that
 * memorialization writes (new_lastdisposition, new_lastagent, new_lastcallseconds).
 */

export type ColumnType =
  'String' | 'Memo' | 'Integer' | 'BigInt' | 'Money' | 'Decimal' | 'Boolean' | 'DateTime' | 'Picklist' | 'State' | 'Status' | 'Lookup' | 'Customer' | 'Uniqueidentifier' | 'EntityName';

export interface OptionDef {
  value: number;
  label: string;
  state?: number;
}

export interface ColumnDef {
  type: ColumnType;
  maxLength?: number;
  options?: OptionDef[];
  /** Lookups: target table → navigation property name. */
  targets?: Record<string, string>;
  /** Set by Dataverse, ignored in a request body. */
  readOnly?: boolean;
}

export interface TableDef {
  logicalName: string;
  setName: string;
  primaryId: string;
  primaryName: string;
  columns: Record<string, ColumnDef>;
  /** An activity table: its rows are also activitypointers. */
  activity?: boolean;
  /** A view over the activity tables (activitypointer): read only. */
  pointer?: boolean;
}

const text = (maxLength: number): ColumnDef => ({ type: 'String', maxLength });
const memo: ColumnDef = { type: 'Memo', maxLength: 2000 };
const phone = text(50);
const email = text(100);
const lookup = (targets: Record<string, string>): ColumnDef => ({ type: Object.keys(targets).length > 1 ? 'Customer' : 'Lookup', targets });
const state = (...labels: string[]): ColumnDef => ({ type: 'State', options: labels.map((label, value) => ({ value, label })) });
const status = (...options: Array<[number, string, number]>): ColumnDef => ({
  type: 'Status',
  options: options.map(([value, label, s]) => ({ value, label, state: s })),
});
const system = (primaryId: string): Record<string, ColumnDef> => ({
  [primaryId]: { type: 'Uniqueidentifier' },
  createdon: { type: 'DateTime', readOnly: true },
  modifiedon: { type: 'DateTime', readOnly: true },
  versionnumber: { type: 'BigInt', readOnly: true },
});

const REGARDING = ['account', 'contact', 'lead', 'incident', 'opportunity'];
const regarding = (activity: string): ColumnDef => ({
  type: 'Lookup',
  targets: Object.fromEntries(REGARDING.map((t) => [t, `regardingobjectid_${t}_${activity}`])),
});

export const TABLES: TableDef[] = [
  {
    logicalName: 'account',
    setName: 'accounts',
    primaryId: 'accountid',
    primaryName: 'name',
    columns: {
      ...system('accountid'),
      name: text(160),
      accountnumber: text(20),
      telephone1: phone,
      telephone2: phone,
      telephone3: phone,
      fax: phone,
      address1_telephone1: phone,
      address1_telephone2: phone,
      address1_telephone3: phone,
      address2_telephone1: phone,
      address1_city: text(80),
      websiteurl: text(200),
      emailaddress1: email,
      description: memo,
      industrycode: {
        type: 'Picklist',
        options: [
          { value: 1, label: 'Accounting' },
          { value: 7, label: 'Consulting' },
          { value: 16, label: 'Financial' },
          { value: 20, label: 'Insurance' },
          { value: 30, label: 'Transportation' },
        ],
      },
      revenue: { type: 'Money' },
      numberofemployees: { type: 'Integer' },
      parentaccountid: lookup({ account: 'parentaccountid' }),
      primarycontactid: lookup({ contact: 'primarycontactid' }),
      statecode: state('Active', 'Inactive'),
      statuscode: status([1, 'Active', 0], [2, 'Inactive', 1]),
    },
  },
  {
    logicalName: 'contact',
    setName: 'contacts',
    primaryId: 'contactid',
    primaryName: 'fullname',
    columns: {
      ...system('contactid'),
      firstname: text(50),
      lastname: text(100),
      fullname: { ...text(160), readOnly: true },
      jobtitle: text(100),
      telephone1: phone,
      telephone2: phone,
      telephone3: phone,
      mobilephone: phone,
      business2: phone,
      home2: phone,
      company: phone,
      callback: phone,
      assistantphone: phone,
      managerphone: phone,
      fax: phone,
      pager: phone,
      address1_telephone1: phone,
      address2_telephone1: phone,
      emailaddress1: email,
      emailaddress2: email,
      emailaddress3: email,
      description: memo,
      birthdate: { type: 'DateTime' },
      donotphone: { type: 'Boolean' },
      numberofchildren: { type: 'Integer' },
      creditlimit: { type: 'Money' },
      parentcustomerid: lookup({ account: 'parentcustomerid_account', contact: 'parentcustomerid_contact' }),
      new_lastdisposition: text(100),
      new_lastagent: text(100),
      new_lastcallseconds: { type: 'Integer' },
      statecode: state('Active', 'Inactive'),
      statuscode: status([1, 'Active', 0], [2, 'Inactive', 1]),
    },
  },
  {
    logicalName: 'lead',
    setName: 'leads',
    primaryId: 'leadid',
    primaryName: 'fullname',
    columns: {
      ...system('leadid'),
      firstname: text(50),
      lastname: text(100),
      fullname: { ...text(160), readOnly: true },
      companyname: text(100),
      subject: text(300),
      jobtitle: text(100),
      telephone1: phone,
      telephone2: phone,
      telephone3: phone,
      mobilephone: phone,
      pager: phone,
      address1_telephone1: phone,
      address2_telephone1: phone,
      emailaddress1: email,
      emailaddress2: email,
      emailaddress3: email,
      description: memo,
      leadqualitycode: {
        type: 'Picklist',
        options: [
          { value: 1, label: 'Hot' },
          { value: 2, label: 'Warm' },
          { value: 3, label: 'Cold' },
        ],
      },
      parentaccountid: lookup({ account: 'parentaccountid' }),
      parentcontactid: lookup({ contact: 'parentcontactid' }),
      statecode: state('Open', 'Qualified', 'Disqualified'),
      statuscode: status([1, 'New', 0], [2, 'Contacted', 0], [3, 'Qualified', 1], [4, 'Lost', 2], [5, 'Cannot Contact', 2], [6, 'No Longer Interested', 2], [7, 'Canceled', 2]),
    },
  },
  {
    logicalName: 'incident',
    setName: 'incidents',
    primaryId: 'incidentid',
    primaryName: 'title',
    columns: {
      ...system('incidentid'),
      title: text(200),
      ticketnumber: text(100),
      description: memo,
      prioritycode: {
        type: 'Picklist',
        options: [
          { value: 1, label: 'High' },
          { value: 2, label: 'Normal' },
          { value: 3, label: 'Low' },
        ],
      },
      caseorigincode: {
        type: 'Picklist',
        options: [
          { value: 1, label: 'Phone' },
          { value: 2, label: 'Email' },
          { value: 3, label: 'Web' },
        ],
      },
      customerid: lookup({ account: 'customerid_account', contact: 'customerid_contact' }),
      primarycontactid: lookup({ contact: 'primarycontactid' }),
      statecode: state('Active', 'Resolved', 'Cancelled'),
      statuscode: status(
        [1, 'In Progress', 0],
        [2, 'On Hold', 0],
        [3, 'Waiting for Details', 0],
        [4, 'Researching', 0],
        [100000000, 'New', 0],
        [100000001, 'Working', 0],
        [5, 'Problem Solved', 1],
        [1000, 'Information Provided', 1],
        [100000002, 'Closed', 1],
        [6, 'Cancelled', 2],
        [2000, 'Merged', 2],
      ),
    },
  },
  {
    logicalName: 'opportunity',
    setName: 'opportunities',
    primaryId: 'opportunityid',
    primaryName: 'name',
    columns: {
      ...system('opportunityid'),
      name: text(300),
      description: memo,
      estimatedvalue: { type: 'Money' },
      estimatedclosedate: { type: 'DateTime' },
      salesstage: {
        type: 'Picklist',
        options: [
          { value: 0, label: 'Qualify' },
          { value: 1, label: 'Develop' },
          { value: 2, label: 'Propose' },
          { value: 3, label: 'Close' },
        ],
      },
      parentaccountid: lookup({ account: 'parentaccountid' }),
      parentcontactid: lookup({ contact: 'parentcontactid' }),
      customerid: lookup({ account: 'customerid_account', contact: 'customerid_contact' }),
      statecode: state('Open', 'Won', 'Lost'),
      statuscode: status([1, 'In Progress', 0], [2, 'On Hold', 0], [3, 'Won', 1], [4, 'Canceled', 2], [5, 'Out-Sold', 2]),
    },
  },
  {
    logicalName: 'phonecall',
    setName: 'phonecalls',
    primaryId: 'activityid',
    primaryName: 'subject',
    activity: true,
    columns: {
      ...system('activityid'),
      subject: text(200),
      description: memo,
      phonenumber: text(200),
      directioncode: { type: 'Boolean' },
      actualdurationminutes: { type: 'Integer' },
      actualstart: { type: 'DateTime' },
      actualend: { type: 'DateTime' },
      category: text(250),
      subcategory: text(250),
      activitytypecode: { type: 'EntityName', readOnly: true },
      regardingobjectid: regarding('phonecall'),
      statecode: state('Open', 'Completed', 'Canceled'),
      statuscode: status([1, 'Open', 0], [2, 'Made', 1], [4, 'Received', 1], [3, 'Canceled', 2]),
    },
  },
  {
    logicalName: 'task',
    setName: 'tasks',
    primaryId: 'activityid',
    primaryName: 'subject',
    activity: true,
    columns: {
      ...system('activityid'),
      subject: text(200),
      description: memo,
      actualdurationminutes: { type: 'Integer' },
      actualstart: { type: 'DateTime' },
      actualend: { type: 'DateTime' },
      category: text(250),
      subcategory: text(250),
      activitytypecode: { type: 'EntityName', readOnly: true },
      regardingobjectid: regarding('task'),
      statecode: state('Open', 'Completed', 'Canceled'),
      statuscode: status([2, 'Not Started', 0], [3, 'In Progress', 0], [4, 'Waiting on someone else', 0], [7, 'Deferred', 0], [5, 'Completed', 1], [6, 'Canceled', 2]),
    },
  },
  {
    logicalName: 'activitypointer',
    setName: 'activitypointers',
    primaryId: 'activityid',
    primaryName: 'subject',
    pointer: true,
    columns: {
      ...system('activityid'),
      subject: text(200),
      description: memo,
      actualdurationminutes: { type: 'Integer' },
      actualstart: { type: 'DateTime' },
      actualend: { type: 'DateTime' },
      activitytypecode: { type: 'EntityName', readOnly: true },
      regardingobjectid: { type: 'Lookup', targets: Object.fromEntries(REGARDING.map((t) => [t, `regardingobjectid_${t}`])) },
      statecode: state('Open', 'Completed', 'Canceled'),
    },
  },
];

export const TABLE_BY_NAME = new Map(TABLES.map((t) => [t.logicalName, t]));
export const TABLE_BY_SET = new Map(TABLES.map((t) => [t.setName, t]));

export const isLookup = (c: ColumnDef) => c.type === 'Lookup' || c.type === 'Customer';
