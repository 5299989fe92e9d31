import { customerCard } from '../cards/customerCard.js';
import { VERBS } from '../cards/verbs.js';
import { completeAcwData } from './actionData.js';
import { defineAction } from './defineAction.js';

/** After Call Work: the disposition and notes, then the CRM writes queued. */
export const ACW_ACTIONS = [
  defineAction({
    verb: VERBS.completeAcw,
    schema: completeAcwData,
    run: async (s, agentId, x) => customerCard(await s.calls.completeAcw(agentId, x.interactionId, { disposition: x.disposition, notes: x.notes })),
  }),
];
