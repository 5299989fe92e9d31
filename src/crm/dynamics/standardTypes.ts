import type { NativeStandardType, StandardRecordType } from '../standardRecords.js';

/**
 * SPEC's Dynamics catalogue (Account, Case, Contact, Lead, Opportunity, Phone Call) in Dataverse's tables and
 * columns. Lookups are navigation properties (the connector writes them as @odata.bind); choice columns
 * (industrycode, statuscode, prioritycode, salesstage) take their labels ("Consulting", "High").
 */
export const DYNAMICS_STANDARD_TYPES: Readonly<Partial<Record<StandardRecordType, NativeStandardType>>> = {
  account: {
    type: 'account',
    fields: { name: 'name', phone: 'telephone1', website: 'websiteurl', industry: 'industrycode', city: 'address1_city' },
  },
  contact: {
    type: 'contact',
    fields: {
      firstName: 'firstname',
      lastName: 'lastname',
      phone: 'telephone1',
      mobilePhone: 'mobilephone',
      email: 'emailaddress1',
      accountId: 'parentcustomerid_account',
      title: 'jobtitle',
    },
  },
  case: {
    type: 'incident',
    fields: {
      subject: 'title',
      description: 'description',
      status: 'statuscode',
      priority: 'prioritycode',
      // A case's customer is a contact or an account; given both, the account is the customer and the
      // contact its primary contact (the connector arranges that).
      contactId: 'customerid_contact',
      accountId: 'customerid_account',
    },
  },
  lead: {
    type: 'lead',
    fields: { firstName: 'firstname', lastName: 'lastname', company: 'companyname', phone: 'telephone1', email: 'emailaddress1', status: 'statuscode' },
  },
  opportunity: {
    type: 'opportunity',
    fields: { name: 'name', stage: 'salesstage', closeDate: 'estimatedclosedate', amount: 'estimatedvalue', accountId: 'parentaccountid' },
  },
  phone_call: {
    type: 'phonecall',
    fields: { subject: 'subject', description: 'description', phoneNumber: 'phonenumber', contactId: 'regardingobjectid_contact_phonecall' },
  },
};
