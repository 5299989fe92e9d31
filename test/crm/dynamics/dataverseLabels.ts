import type { ColumnDef, TableDef } from './dataverseSchema.js';

/**
 * What the test environment's EntityDefinitions say besides types: display names (English, LCID 1033, as
 * Microsoft's table reference pages list them: "Case" for incident, "Business Phone" for contact.telephone1),
 * FormatName of text columns, IsValidForCreate/Update/Form and DefaultFormValue.
 */
export const TABLE_LABELS: Readonly<Record<string, string>> = {
  account: 'Account',
  contact: 'Contact',
  lead: 'Lead',
  incident: 'Case',
  opportunity: 'Opportunity',
  phonecall: 'Phone Call',
  task: 'Task',
  activitypointer: 'Activity',
};

const COMMON: Record<string, string> = {
  createdon: 'Created On',
  modifiedon: 'Modified On',
  versionnumber: 'Version Number',
  statecode: 'Status',
  statuscode: 'Status Reason',
  description: 'Description',
  emailaddress1: 'Email',
  emailaddress2: 'Email Address 2',
  emailaddress3: 'Email Address 3',
  telephone3: 'Telephone 3',
  fax: 'Fax',
  pager: 'Pager',
  mobilephone: 'Mobile Phone',
  jobtitle: 'Job Title',
  firstname: 'First Name',
  lastname: 'Last Name',
  address1_telephone1: 'Address 1: Phone',
  address1_telephone2: 'Address 1: Telephone 2',
  address1_telephone3: 'Address 1: Telephone 3',
  address2_telephone1: 'Address 2: Telephone 1',
  address1_city: 'Address 1: City',
  subject: 'Subject',
  regardingobjectid: 'Regarding',
  activitytypecode: 'Activity Type',
  actualdurationminutes: 'Duration',
  actualstart: 'Actual Start',
  actualend: 'Actual End',
  category: 'Category',
  subcategory: 'Sub-Category',
};

const BY_TABLE: Record<string, Record<string, string>> = {
  account: {
    name: 'Account Name',
    accountnumber: 'Account Number',
    telephone1: 'Main Phone',
    telephone2: 'Other Phone',
    websiteurl: 'Website',
    industrycode: 'Industry',
    revenue: 'Annual Revenue',
    numberofemployees: 'Number of Employees',
    parentaccountid: 'Parent Account',
    primarycontactid: 'Primary Contact',
  },
  contact: {
    fullname: 'Full Name',
    telephone1: 'Business Phone',
    telephone2: 'Home Phone',
    business2: 'Business Phone 2',
    home2: 'Home Phone 2',
    company: 'Company Phone',
    callback: 'Callback Number',
    assistantphone: 'Assistant Phone',
    managerphone: 'Manager Phone',
    birthdate: 'Birthday',
    donotphone: 'Do not allow Phone Calls',
    numberofchildren: 'No. of Children',
    creditlimit: 'Credit Limit',
    parentcustomerid: 'Company Name',
    new_lastdisposition: 'Last Disposition',
    new_lastagent: 'Last Agent',
    new_lastcallseconds: 'Last Call (seconds)',
  },
  lead: {
    fullname: 'Name',
    companyname: 'Company Name',
    subject: 'Topic',
    telephone1: 'Business Phone',
    telephone2: 'Home Phone',
    leadqualitycode: 'Rating',
    parentaccountid: 'Parent Account for lead',
    parentcontactid: 'Parent Contact for lead',
  },
  incident: {
    title: 'Case Title',
    ticketnumber: 'Case Number',
    prioritycode: 'Priority',
    caseorigincode: 'Origin',
    customerid: 'Customer',
    primarycontactid: 'Contact',
  },
  opportunity: {
    name: 'Topic',
    estimatedvalue: 'Est. Revenue',
    estimatedclosedate: 'Est. Close Date',
    salesstage: 'Sales Stage',
    parentaccountid: 'Account',
    parentcontactid: 'Contact',
    customerid: 'Potential Customer',
  },
  phonecall: { phonenumber: 'Phone Number', directioncode: 'Direction' },
};

const PHONE = /^(telephone\d|mobilephone|business2|home2|company|callback|assistantphone|managerphone|fax|pager|address\d_telephone\d|phonenumber)$/;

/** The DisplayName of a column (a Label in LCID 1033). */
export function columnLabel(table: TableDef, name: string): string {
  return BY_TABLE[table.logicalName]?.[name] ?? COMMON[name] ?? (name === table.primaryId ? TABLE_LABELS[table.logicalName]! : name);
}

/** FormatName of a String column: Phone, Email, Url or Text. */
export function formatName(name: string): string {
  if (PHONE.test(name)) return 'Phone';
  if (/^emailaddress\d$/.test(name)) return 'Email';
  if (name === 'websiteurl') return 'Url';
  return 'Text';
}

/**
 * IsValidForCreate / IsValidForUpdate / IsValidForForm. Read-only columns (set by Dataverse) take neither;
 * statecode is set by an update (SetState) but not on create, as the contact reference page says; the case
 * number may be given on create only; versionnumber is on no form.
 */
export function validity(table: TableDef, name: string, column: ColumnDef): { create: boolean; update: boolean; form: boolean } {
  if (name === 'versionnumber') return { create: false, update: false, form: false };
  if (column.readOnly) return { create: false, update: false, form: true };
  if (name === 'statecode') return { create: false, update: true, form: true };
  if (table.logicalName === 'incident' && name === 'ticketnumber') return { create: true, update: false, form: true };
  return { create: true, update: true, form: name !== table.primaryId };
}

/** DefaultFormValue of a choice column (-1: none). The stock case priority defaults to Normal (2). */
export function defaultFormValue(table: TableDef, name: string): number {
  return table.logicalName === 'incident' && name === 'prioritycode' ? 2 : -1;
}
