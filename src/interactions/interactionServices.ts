import { CallLifecycle } from './callLifecycle.js';
import { CardQuery } from './cardQuery.js';
import { CardRecords } from './cardRecords.js';
import { CustomerMerging } from './customerMerging.js';
import { ServiceContext, type InteractionServicesDeps } from './serviceContext.js';

export type { InteractionServicesDeps } from './serviceContext.js';

/** The interaction services, one per feature, over one shared context (serviceContext.ts). */
export interface InteractionServices {
  calls: CallLifecycle;
  records: CardRecords;
  merging: CustomerMerging;
  cards: CardQuery;
}

export function createInteractionServices(deps: InteractionServicesDeps): InteractionServices {
  // A change draws the card through `cards.view` as it is when the change is done (tests may wrap it).
  const context = new ServiceContext(deps, (agentId, interactionId, held) => services.cards.view(agentId, interactionId, undefined, held));
  const services: InteractionServices = {
    calls: new CallLifecycle(context),
    records: new CardRecords(context),
    merging: new CustomerMerging(context),
    cards: new CardQuery(context),
  };
  return services;
}
