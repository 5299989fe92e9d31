import { ActivityTypes } from 'botbuilder';
import type { Application, AdaptiveCard } from '@microsoft/teams-ai';
import { runCardAction } from '../../cards/cardActions.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../deps.js';
import { turnInfo } from '../errors.js';
import { callerOf } from '../identity.js';

/**
 * The Customer Card's Action.Execute verbs: each answers the one who clicked with the card to show in
 * place. We send that invoke response ourselves: teams-ai would otherwise replace the message for everyone
 * whenever the card has a refresh, turning the owner's own view into everyone's.
 */
export function registerCustomerCardActions(app: Application, deps: BotDeps): void {
  for (const verb of Object.values(VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const card = await runCardAction(deps, callerOf(context).agentId, verb, data, turnInfo(context));
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
      });
      return card as AdaptiveCard;
    });
  }
}
