import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard, TurnState } from '@microsoft/teams-ai';
import type { z } from 'zod';
import { parseActionData } from '../cards/actionData.js';
import { customerCard } from '../cards/customerCard.js';
import { noticeCard } from '../cards/noticeCard.js';
import { AppError } from '../domain/errors.js';
import type { BotDeps } from './deps.js';
import { userMessageFor } from './errors.js';
import { callerOf, type Caller } from './identity.js';

/**
 * Wraps a chat command: knows the caller (creating the agent on first contact) and answers any failure
 * with a message meant for them.
 */
export function command(deps: BotDeps, handler: (context: TurnContext, caller: Caller) => Promise<void>) {
  return async (context: TurnContext, _state: TurnState): Promise<void> => {
    const caller = callerOf(context);
    try {
      await deps.agents.identify(caller.agentId, caller.name);
      await handler(context, caller);
    } catch (error) {
      await context.sendActivity(userMessageFor(error, context, deps.logger));
    }
  };
}

/**
 * Wraps an Action.Execute handler: parses the action's data with its schema, runs it for the caller, and
 * answers with the card to show in place. A refused action answers with the caller's current card and the
 * reason on it, or, when the card is not theirs to see, with the reason alone.
 */
export function cardAction<T extends { interactionId: string }>(
  deps: BotDeps,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  run: (caller: Caller, data: T) => Promise<object>,
) {
  return async (context: TurnContext, _state: TurnState, raw: Record<string, unknown>): Promise<AdaptiveCard> => {
    const caller = callerOf(context);
    try {
      await deps.agents.identify(caller.agentId, caller.name);
      return (await run(caller, parseActionData(schema, raw))) as AdaptiveCard;
    } catch (error) {
      const message = userMessageFor(error, context, deps.logger);
      const interactionId = typeof raw.interactionId === 'string' ? raw.interactionId : undefined;
      const showable = error instanceof AppError && error.code !== 'forbidden' && error.code !== 'not_found';
      if (showable && interactionId) {
        try {
          const view = await deps.interactions.view(caller.agentId, interactionId, { kind: 'error', text: message });
          return customerCard(view) as AdaptiveCard;
        } catch {
          // Not a card this caller may see (or it is gone): the reason alone is the answer.
        }
      }
      return noticeCard(message, error instanceof AppError ? 'warning' : 'error') as AdaptiveCard;
    }
  };
}
