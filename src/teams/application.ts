// The module itself, not the package's index: the index also loads the AI half of teams-ai (OpenAI and
// Azure OpenAI clients, planners, moderators, tokenizers) that this bot never uses.
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotDeps } from './deps.js';
import { userMessageFor } from './errors.js';
import { CardPublisher } from './cardPublisher.js';
import { registerChatCommands } from './chatCommands.js';
import { registerConversationTracking } from './features/conversationTracking.js';
import { registerCommandLength } from './features/commandLength.js';
import { registerCustomerCardActions } from './features/customerCardActions.js';
import { registerDeliveredOnce } from './features/deliveredOnce.js';
import { registerFallback } from './features/fallback.js';
import { registerWelcome } from './features/welcome.js';

/** The bot: a teams-ai Application with the chat commands routed from one table (chatCommands.ts) and each feature registering its own handlers. */
export function createApplication(adapter: TeamsAdapter, botAppId: string | undefined, deps: BotDeps): Application {
  const app = new Application({
    adapter,
    botAppId: botAppId ?? '',
    // All state lives in our database; no typing indicators (answers are fast, and they clutter logs).
    startTypingTimer: false,
    removeRecipientMention: true,
  });
  registerDeliveredOnce(app, deps); // first: an activity delivered again acts once
  registerConversationTracking(app, deps); // every turn knows its person
  registerCommandLength(app, deps); // no command sees a message too long to be one
  registerWelcome(app, deps);
  registerChatCommands(app, deps); // every chat command, from one table
  registerCustomerCardActions(app, deps);
  registerFallback(app, deps); // last: it answers what nothing above did

  new CardPublisher({
    adapter,
    botAppId: botAppId ?? '',
    agents: deps.agents,
    cards: deps.cards,
    logger: deps.logger,
    messageView: deps.cardMessageView,
    sends: deps.cardSends,
    allowance: deps.cardUpdateAllowance,
  }).listenTo(deps.events);

  app.error(async (context, error) => {
    // Reached only by an error outside the features' own handling (a bug in a route, say).
    const message = userMessageFor(error, context, deps.logger);
    if (context.activity.type === 'message') await context.sendActivity(message);
  });
  return app;
}
