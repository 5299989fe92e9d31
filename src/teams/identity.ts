import type { TurnContext } from 'botbuilder';

export interface Caller {
  /** The agent's id in our store: their Entra (AAD) object id, or the channel's user id when there is none. */
  agentId: string;
  name: string;
  aadObjectId: string | undefined;
}

export function callerOf(context: TurnContext): Caller {
  const from = context.activity.from;
  return { agentId: from.aadObjectId ?? from.id, name: from.name ?? '', aadObjectId: from.aadObjectId };
}
