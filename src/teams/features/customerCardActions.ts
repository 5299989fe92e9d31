import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import type { Application, AdaptiveCard } from '@microsoft/teams-ai';
import { isCardVerb } from '../../actions/registry.js';
import { runCardAction } from '../../actions/runCardAction.js';
import { actionDeps } from '../../actions/wiring.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../deps.js';
import { turnInfo } from '../errors.js';
import { callerOf } from '../identity.js';
import { badRequestInvokeResponse, cardInvokeResponse } from '../invokeResponses.js';

const CARD_ACTION_INVOKE = 'adaptiveCard/action';

/**
 * The Customer Card's Action.Execute verbs: each answers the one who clicked with the card to show in
 * place. We send that invoke response ourselves: teams-ai would otherwise replace the message for everyone
 * whenever the card has a refresh, turning the owner's own view into everyone's. A card action that none of
 * them takes (an unknown verb, a verb that is not a string, an Action.Submit sent as an invoke) is answered
 * 400 with a Universal Actions error saying what is wrong, never left to teams-ai's empty 501.
 */
export function registerCustomerCardActions(app: Application, deps: BotDeps): void {
  const actions = actionDeps(deps);
  for (const verb of Object.values(VERBS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const card = await runCardAction(actions, callerOf(context).agentId, verb, data, turnInfo(context));
      await context.sendActivity(cardInvokeResponse(card));
      return card as AdaptiveCard;
    });
  }

  app.activity(
    async (context: TurnContext) => problemOf(context.activity) !== undefined,
    async (context) => {
      const problem = problemOf(context.activity)!;
      // The problem, not the action: its verb and data are the sender's, of any size.
      deps.logger.info({ problem, ...turnInfo(context) }, 'card action refused: malformed');
      await context.sendActivity(badRequestInvokeResponse(problem));
    },
  );
}

/** Why a card action invoke is not one of our Action.Execute verbs; undefined for anything else. */
function problemOf(activity: Activity): string | undefined {
  if (activity.type !== ActivityTypes.Invoke || activity.name !== CARD_ACTION_INVOKE) return undefined;
  const action: unknown = (activity.value as { action?: unknown } | undefined)?.action;
  if (!action || typeof action !== 'object' || Array.isArray(action)) return 'The card action is missing: value.action must be an object.';
  const { type, verb } = action as { type?: unknown; verb?: unknown };
  if (type !== 'Action.Execute') return 'value.action.type must be "Action.Execute": this app answers no other card action.';
  if (typeof verb !== 'string') return 'value.action.verb must be a string naming one card action.';
  if (!isCardVerb(verb)) return 'This card action is not known to the app.';
  return undefined;
}
