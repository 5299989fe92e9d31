import { customerCard } from '../cards/customerCard.js';
import type { AdaptiveCard } from '../cards/schema/adaptiveCard.js';
import { recordDetailsCard } from '../cards/recordDetailsCard.js';
import { VERBS } from '../cards/verbs.js';
import { interactionData, lookupData, recordData } from './actionData.js';
import { defineAction, type ActionServices } from './defineAction.js';

/**
 * Reading a card (show, refresh): the owner gets their own view; a supervisor (SUPERVISOR_IDS) reads anyone's,
 * read-only (its data, no action, no notice meant for its owner); anyone else gets the refusal an id that
 * does not exist gets.
 */
async function readCard(services: ActionServices, agentId: string, data: { interactionId: string }): Promise<AdaptiveCard> {
  const { view, access } = await services.cards.readableView(agentId, data.interactionId, services.agents.isSupervisor(agentId));
  return customerCard(view, access === 'owner' ? 'owner' : 'supervisor');
}

/** The actions that only read: a card, a record's details. */
export const READING_ACTIONS = [
  defineAction({ verb: VERBS.show, schema: interactionData, run: readCard }),
  // Teams sends it for the owner only (the card's refresh names them); anyone else who sends it is refused
  // like a missing id, except a supervisor, who reads the card without its actions.
  defineAction({ verb: VERBS.refresh, schema: interactionData, run: readCard }),
  defineAction({
    verb: VERBS.details,
    schema: recordData,
    run: async (s, agentId, x) => recordDetailsCard(await s.cards.details(agentId, x.interactionId, { type: x.recordType, id: x.recordId })),
  }),
  defineAction({
    verb: VERBS.lookupDetails,
    schema: lookupData,
    run: async (s, agentId, x) => recordDetailsCard(await s.cards.lookupDetails(agentId, { type: x.recordType, id: x.recordId })),
  }),
];
