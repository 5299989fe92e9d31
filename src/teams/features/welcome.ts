import type { Application } from '@microsoft/teams-ai';
import { welcomeCard } from '../../cards/helpCards.js';
import { personName } from '../../domain/personName.js';
import { helpContextFor } from '../chatCommands.js';
import type { BotDeps } from '../deps.js';
import { callerOf } from '../identity.js';
import { sendCard } from '../replies.js';

/** On install: a welcome card with the next step and the commands ("help" itself: chatCommands.ts). */
export function registerWelcome(app: Application, deps: BotDeps): void {
  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === botId) continue;
      const name = personName(member.name ?? callerOf(context).name);
      await deps.agents.identify(member.aadObjectId ?? member.id, name, member.id);
      await sendCard(context, welcomeCard(personName(member.name), helpContextFor(deps, member.aadObjectId)));
    }
  });
}
