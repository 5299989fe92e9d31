import type { CustomerCardView } from '../../domain/customerCard.js';
import type { AdaptiveCard } from '../schema/adaptiveCard.js';
import { VERBS } from '../verbs.js';

/** The Universal Actions refresh naming the owner: Teams fetches their own view whenever they see the card. */
export function refreshFor(view: CustomerCardView, withRefresh: boolean): Pick<AdaptiveCard, 'refresh'> {
  return withRefresh && view.owner.teamsUserId
    ? { refresh: { action: { type: 'Action.Execute', verb: VERBS.refresh, data: { interactionId: view.interaction.id } }, userIds: [view.owner.teamsUserId] } }
    : {};
}
