/**
 * The standard records of SPEC's workflow catalogue, under canonical names. A standard create carries the
 * standard fields of its type and only those; each connector says which of these types its CRM has and
 * what they are called there (CrmConnector.standardTypes), so one workflow definition reads the same for
 * every CRM.
 */
export const STANDARD_RECORDS = {
  account: { fields: ['name', 'phone', 'website', 'industry', 'city'], required: ['name'] },
  contact: { fields: ['firstName', 'lastName', 'phone', 'mobilePhone', 'email', 'accountId', 'title'], required: ['lastName'] },
  case: { fields: ['subject', 'description', 'status', 'priority', 'contactId', 'accountId'], required: ['subject'] },
  lead: { fields: ['firstName', 'lastName', 'company', 'phone', 'email', 'status'], required: ['lastName', 'company'] },
  opportunity: { fields: ['name', 'stage', 'closeDate', 'amount', 'accountId'], required: ['name'] },
  work_order: { fields: ['subject', 'description', 'status', 'contactId', 'accountId'], required: ['subject'] },
  phone_call: { fields: ['subject', 'description', 'phoneNumber', 'contactId'], required: ['subject'] },
  incident: { fields: ['subject', 'description', 'priority', 'contactId'], required: ['subject'] },
  consumer: { fields: ['firstName', 'lastName', 'phone', 'mobilePhone', 'email'], required: ['lastName'] },
  interaction: { fields: ['subject', 'description', 'contactId', 'phoneNumber'], required: ['subject'] },
  user: { fields: ['firstName', 'lastName', 'name', 'email', 'phone'], required: [] },
  ticket: { fields: ['subject', 'description', 'priority', 'status', 'contactId'], required: ['subject'] },
  company: { fields: ['name', 'phone', 'website', 'industry', 'city'], required: ['name'] },
} as const satisfies Record<string, { fields: readonly string[]; required: readonly string[] }>;

export type StandardRecordType = keyof typeof STANDARD_RECORDS;

export function isStandardRecordType(type: string): type is StandardRecordType {
  return Object.hasOwn(STANDARD_RECORDS, type);
}

/** How one CRM stores a standard record: its own type name, and its own name for each canonical field. */
export interface NativeStandardType {
  type: string;
  /** Canonical field → the CRM's field. A canonical field left out is not supported by that CRM. */
  fields: Readonly<Record<string, string>>;
}
