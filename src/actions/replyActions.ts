import { customerCard } from '../cards/customerCard.js';
import { VERBS } from '../cards/verbs.js';
import { replyData } from './actionData.js';
import { defineAction } from './defineAction.js';

/** A digital thread's reply box: the agent's message, sent to the end user through the integration (issue 14). */
export const REPLY_ACTIONS = [
  defineAction({
    verb: VERBS.reply,
    schema: replyData,
    run: async (s, agentId, x) => customerCard(await s.replies.reply(agentId, x.interactionId, { replyId: x.replyId, text: x.replyText })),
  }),
];
