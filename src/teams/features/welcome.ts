import type { Application } from '@microsoft/teams-ai';
import { helpCard, welcomeCard, type HelpContext } from '../../cards/helpCards.js';
import { personName } from '../../domain/personName.js';
import type { BotDeps } from '../deps.js';
import { callerOf } from '../identity.js';
import { sendCard } from '../replies.js';
import { command } from '../turn.js';

/** On install: a welcome card with the next step. "help": the commands. */
export function registerWelcome(app: Application, deps: BotDeps): void {
  const helpContext = (aadObjectId: string | undefined): HelpContext => ({
    simulator: deps.acd.enabled,
    supervisor: deps.agents.isSupervisor(aadObjectId),
    reasonCodes: deps.agents.reasonCodes,
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === botId) continue;
      const name = personName(member.name ?? callerOf(context).name);
      await deps.agents.identify(member.aadObjectId ?? member.id, name, member.id);
      await sendCard(context, welcomeCard(personName(member.name), helpContext(member.aadObjectId)));
    }
  });

  app.message(
    /^\s*(help|\?|hi|hello)\s*$/i,
    command(deps, async (context, caller) => sendCard(context, helpCard(helpContext(caller.aadObjectId)))),
  );
}
