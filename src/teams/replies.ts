import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';

/** Posts an Adaptive Card as a new message. */
export async function sendCard(context: TurnContext, card: object): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
