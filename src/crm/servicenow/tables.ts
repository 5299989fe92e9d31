import type { NativeStandardType, StandardRecordType } from '../standardRecords.js';

/** ServiceNow tables the connector knows by name (Customer Service Management and the platform). */
export const TABLES = {
  case: 'sn_customerservice_case',
  contact: 'customer_contact',
  consumer: 'csm_consumer',
  account: 'customer_account',
  incident: 'incident',
  interaction: 'interaction',
  user: 'sys_user',
  journal: 'sys_journal_field',
} as const;

/**
 * SPEC's ServiceNow catalogue (Case, Consumer, Contact, Incident, Interaction, User), plus Account, under
 * canonical names. A canonical field left out has no ServiceNow counterpart on that table.
 */
export const SERVICENOW_STANDARD_TYPES: Readonly<Partial<Record<StandardRecordType, NativeStandardType>>> = {
  case: {
    type: TABLES.case,
    fields: {
      subject: 'short_description',
      description: 'description',
      status: 'state',
      priority: 'priority',
      contactId: 'contact',
      accountId: 'account',
    },
  },
  contact: {
    type: TABLES.contact,
    fields: {
      firstName: 'first_name',
      lastName: 'last_name',
      phone: 'phone',
      mobilePhone: 'mobile_phone',
      email: 'email',
      accountId: 'account',
      title: 'title',
    },
  },
  consumer: {
    type: TABLES.consumer,
    fields: { firstName: 'first_name', lastName: 'last_name', phone: 'home_phone', mobilePhone: 'mobile_phone', email: 'email' },
  },
  incident: {
    type: TABLES.incident,
    fields: { subject: 'short_description', description: 'description', priority: 'priority', contactId: 'caller_id' },
  },
  interaction: {
    // The interaction table has no description column: the description becomes the interaction's work note.
    type: TABLES.interaction,
    fields: { subject: 'short_description', description: 'work_notes', contactId: 'contact' },
  },
  user: {
    type: TABLES.user,
    fields: { firstName: 'first_name', lastName: 'last_name', name: 'name', email: 'email', phone: 'phone' },
  },
  account: {
    type: TABLES.account,
    fields: { name: 'name', phone: 'phone', website: 'website', city: 'city' },
  },
};

/** A table searched by phone and email: its phone columns and whether it has an email column. */
export interface PartyTable {
  table: string;
  phoneFields: readonly string[];
  email: boolean;
  /** Extra condition that keeps a parent table's search off its child tables' rows. */
  classFilter?: string;
}

/** Accounts, contacts, consumers (ServiceNow's B2C people) and, when configured, internal users. */
export function partyTables(searchUsers: boolean): PartyTable[] {
  const tables: PartyTable[] = [
    { table: TABLES.account, phoneFields: ['phone'], email: false },
    { table: TABLES.contact, phoneFields: ['phone', 'mobile_phone', 'home_phone'], email: true },
    { table: TABLES.consumer, phoneFields: ['business_phone', 'mobile_phone', 'home_phone'], email: true },
  ];
  // customer_contact extends sys_user: without the class filter a user search would return contacts twice.
  if (searchUsers) tables.push({ table: TABLES.user, phoneFields: ['phone', 'mobile_phone', 'home_phone'], email: true, classFilter: TABLES.user });
  return tables;
}

/** Where the open cases (and incidents) of a record are: which table, by which reference column. */
export function caseSources(table: string): Array<{ table: string; field: string }> {
  switch (table) {
    case TABLES.contact:
      // A contact is also a user, so it can be the caller of an incident.
      return [
        { table: TABLES.case, field: 'contact' },
        { table: TABLES.incident, field: 'caller_id' },
      ];
    case TABLES.consumer:
      return [{ table: TABLES.case, field: 'consumer' }];
    case TABLES.account:
      return [{ table: TABLES.case, field: 'account' }];
    case TABLES.user:
      return [{ table: TABLES.incident, field: 'caller_id' }];
    default:
      return [];
  }
}

/**
 * The timeline of a person or an account is an interaction record linked to them by this column; any other
 * table (cases, incidents, other task tables) gets a work note on the record itself.
 */
export function interactionLinkField(table: string): string | undefined {
  switch (table) {
    case TABLES.contact:
      return 'contact';
    case TABLES.consumer:
      return 'consumer';
    case TABLES.account:
      return 'account';
    case TABLES.user:
      return 'opened_for';
    default:
      return undefined;
  }
}

/** ServiceNow table names: lower case letters, digits and "_" (scoped tables start with "x_"). */
export const TABLE_NAME = /^[a-z][a-z0-9_]{0,79}$/;
/** A sys_id: 32 hexadecimal characters. */
export const SYS_ID = /^[0-9a-f]{32}$/;
