import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { customerCardMessage } from '../cards/customerCard.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import type { BotDeps } from './deps.js';

/** Posts an Adaptive Card as a new message. */
export async function sendCard(context: TurnContext, card: object): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/**
 * Posts an interaction's Customer Card, drawn at card revision `revision` (CardQuery.viewToPost), as a new
 * message and makes it the one to keep current; a change made meanwhile elsewhere then updates it.
 */
export async function postCustomerCard(context: TurnContext, deps: Pick<BotDeps, 'cards' | 'cardMessageView'>, { view, revision }: { view: CustomerCardView; revision: number }): Promise<void> {
  const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(customerCardMessage(view, deps.cardMessageView))));
  if (sent?.id) await deps.cards.rememberCardMessage(view.interaction.id, sent.id, revision);
}
