import { customerCard } from '../cards/customerCard.js';
import { VERBS } from '../cards/verbs.js';
import { duplicatesData, mergeData } from './actionData.js';
import { defineAction } from './defineAction.js';

/** Another card of the same customer: find it, merge it into this one. */
export const MERGE_ACTIONS = [
  defineAction({
    verb: VERBS.findDuplicates,
    schema: duplicatesData,
    run: async (s, agentId, x) => customerCard(await s.merging.findDuplicates(agentId, x.interactionId, x.duplicateQuery)),
  }),
  defineAction({
    verb: VERBS.mergeCustomer,
    schema: mergeData,
    run: async (s, agentId, x) => customerCard(await s.merging.mergeCustomer(agentId, x.interactionId, x.customerId)),
  }),
];
