import { TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { personName } from '../../domain/personName.js';
import { validTimeZone } from '../../domain/timeZone.js';
import type { BotDeps } from '../deps.js';
import { callerOf } from '../identity.js';

/**
 * Before every turn: know the person (creating the agent on first contact) and remember where their chat
 * is, so their card can be updated later, outside any turn of theirs. Their name is bounded first, for all
 * that follows: it is stored, shown, and sent back as the recipient of every reply.
 */
export function registerConversationTracking(app: Application, deps: BotDeps): void {
  app.turn('beforeTurn', async (context) => {
    const { from } = context.activity;
    if (typeof from?.name === 'string') from.name = personName(from.name);
    if (!from?.id || context.activity.conversation?.conversationType !== 'personal') return true;
    const caller = callerOf(context);
    await deps.agents.noteContact(caller.agentId, caller.name, from.id, TurnContext.getConversationReference(context.activity));
    // Teams sends the client's zone with each activity: the card's dates and times read in it.
    const timeZone = validTimeZone(context.activity.localTimezone);
    if (timeZone) await deps.agents.noteTimeZone(caller.agentId, timeZone);
    return true;
  });
}
