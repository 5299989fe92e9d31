import { customerCard } from '../cards/customerCard.js';
import { VERBS } from '../cards/verbs.js';
import type { RecordRef } from '../domain/crmRecord.js';
import { caseData, contactData, customRecordData, editedFields, parseFieldLines, recordData, searchData } from './actionData.js';
import { defineAction } from './defineAction.js';

const ref = (d: { recordType: string; recordId: string }): RecordRef => ({ type: d.recordType, id: d.recordId });

/** The records on a card: link, unlink, search, create, update. */
export const RECORD_ACTIONS = [
  defineAction({ verb: VERBS.link, schema: recordData, run: async (s, agentId, x) => customerCard(await s.records.link(agentId, x.interactionId, ref(x))) }),
  defineAction({ verb: VERBS.unlink, schema: recordData, run: async (s, agentId, x) => customerCard(await s.records.unlink(agentId, x.interactionId, ref(x))) }),
  defineAction({
    verb: VERBS.search,
    schema: searchData,
    run: async (s, agentId, x) => customerCard(await s.records.searchOnCard(agentId, x.interactionId, x.query)),
  }),
  defineAction({
    verb: VERBS.createContact,
    schema: contactData,
    run: async (s, agentId, x) =>
      customerCard(
        await s.records.createRecord(agentId, x.interactionId, {
          kind: 'contact',
          fields: { firstName: x.firstName, lastName: x.lastName, phone: x.phone, email: x.email },
        }),
      ),
  }),
  defineAction({
    verb: VERBS.createCase,
    schema: caseData,
    run: async (s, agentId, x) =>
      customerCard(await s.records.createRecord(agentId, x.interactionId, { kind: 'case', fields: { subject: x.subject, description: x.description, priority: x.priority } })),
  }),
  defineAction({
    verb: VERBS.createCustom,
    schema: customRecordData,
    run: async (s, agentId, x) => customerCard(await s.records.createRecord(agentId, x.interactionId, { kind: 'custom', entity: x.entity, fields: parseFieldLines(x.fields) })),
  }),
  defineAction({
    verb: VERBS.updateRecord,
    schema: recordData,
    run: async (s, agentId, x) => customerCard(await s.records.updateRecord(agentId, x.interactionId, ref(x), editedFields(x))),
  }),
];
