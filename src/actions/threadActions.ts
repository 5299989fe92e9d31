import { customerCard } from '../cards/customerCard.js';
import { VERBS } from '../cards/verbs.js';
import { interactionData, outcomeData, transferData } from './actionData.js';
import { defineAction } from './defineAction.js';

/**
 * A digital conversation's outcome (status, tags, notes) and letting it go. Once let go (transfer, unassign,
 * dismiss) the conversation is someone else's or nobody's: the agent who clicked sees its card read-only.
 */
export const THREAD_ACTIONS = [
  defineAction({
    verb: VERBS.saveOutcome,
    schema: outcomeData,
    run: async (s, agentId, x) => customerCard(await s.threads.saveOutcome(agentId, x.interactionId, { status: x.threadStatus, tags: x.threadTags, notes: x.threadNotes })),
  }),
  defineAction({
    verb: VERBS.transfer,
    schema: transferData,
    run: async (s, agentId, x) => customerCard(await s.threads.transfer(agentId, x.interactionId, x.transferTo), 'supervisor'),
  }),
  defineAction({
    verb: VERBS.unassign,
    schema: interactionData,
    run: async (s, agentId, x) => customerCard(await s.threads.unassign(agentId, x.interactionId), 'supervisor'),
  }),
  defineAction({
    verb: VERBS.dismiss,
    schema: interactionData,
    run: async (s, agentId, x) => customerCard(await s.threads.dismiss(agentId, x.interactionId), 'supervisor'),
  }),
];
