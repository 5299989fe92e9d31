import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { runCardAction } from '../../actions/runCardAction.js';
import { actionDeps } from '../../actions/wiring.js';
import { noticeCard } from '../../cards/noticeCard.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../deps.js';
import { turnInfo } from '../errors.js';
import { callerOf } from '../identity.js';
import { cardInvokeResponse, emptyInvokeResponse } from '../invokeResponses.js';

/**
 * Before anything else in a turn: an activity Teams delivers again (same conversation and activity id, its
 * retry after a slow answer) is not acted on again. A repeated message gets nothing (its first delivery
 * answers it); a repeated card action gets the card as it stands, which is what Teams then shows.
 */
export function registerDeliveredOnce(app: Application, deps: BotDeps): void {
  app.turn('beforeTurn', async (context) => {
    const { id, conversation } = context.activity;
    if (!id || !conversation?.id || (await deps.deliveries.isFirstDelivery(conversation.id, id))) return true;
    deps.logger.info(turnInfo(context), 'activity delivered again: not acted on again');
    if (context.activity.type === ActivityTypes.Invoke) await answerRepeatedInvoke(context, deps);
    return false;
  });
}

async function answerRepeatedInvoke(context: TurnContext, deps: BotDeps): Promise<void> {
  if (context.activity.name !== 'adaptiveCard/action') {
    await context.sendActivity(emptyInvokeResponse());
    return;
  }
  const interactionId: unknown = context.activity.value?.action?.data?.interactionId;
  // The card's own refresh: the owner's current card, or what anyone else may see of it.
  const card =
    typeof interactionId === 'string'
      ? await runCardAction(actionDeps(deps), callerOf(context).agentId, VERBS.refresh, { interactionId }, turnInfo(context))
      : noticeCard('That action was received already.', 'info');
  await context.sendActivity(cardInvokeResponse(card));
}
