import { customerCard } from '../cards/customerCard.js';
import type { AdaptiveCard } from '../cards/schema/adaptiveCard.js';
import { noticeCard } from '../cards/noticeCard.js';
import { VERB_PROGRESS, type Verb } from '../cards/verbs.js';
import { AppError } from '../domain/errors.js';
import { messageForPerson } from '../errorReporting.js';
import { parseActionData } from './actionData.js';
import type { ActionDeps } from './defineAction.js';
import { cardAction } from './registry.js';

/**
 * Runs one card action for an agent and returns the card to show in its place. A refused action answers
 * with the agent's current card and the reason on it, or, when the card is not theirs to see, with the
 * reason alone. Slow work never holds the click: past `answerWithinMs` the answer is the card as it stands,
 * saying what is in progress, and the result reaches the card when it is done (the service keeps it and
 * the card message is updated in place). Never throws.
 */
export async function runCardAction(deps: ActionDeps, agentId: string, verb: Verb, raw: unknown, logContext: Record<string, unknown> = {}): Promise<AdaptiveCard> {
  const interactionId = typeof (raw as { interactionId?: unknown })?.interactionId === 'string' ? (raw as { interactionId: string }).interactionId : undefined;
  const { schema, run } = cardAction(verb);
  const work = (async () => run(deps, agentId, parseActionData(schema, raw)))();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deps.answerWithinMs ?? 3000)));
  try {
    const first = await Promise.race([work, late]);
    if (first !== 'late') return first;
  } catch (error) {
    return refusal(deps, agentId, interactionId, messageForPerson(error, deps.logger, { verb, agentId, ...logContext }), error);
  } finally {
    clearTimeout(timer);
  }

  // Too slow to wait for: say so now; a failure is kept on the card when it comes.
  work
    .catch(async (error: unknown) => {
      const message = messageForPerson(error, deps.logger, { verb, agentId, late: true, ...logContext });
      if (interactionId && (await deps.cards.isOwner(agentId, interactionId))) {
        await deps.cards.noteOutcome(interactionId, { kind: 'error', text: `${VERB_PROGRESS[verb]} did not work: ${message}` });
      }
    })
    .catch((error: unknown) => deps.logger.error({ err: error, verb }, 'late outcome not recorded'));
  const working = { kind: 'info' as const, text: `Working: ${VERB_PROGRESS[verb]}… This card updates itself when it is done.` };
  if (interactionId) {
    try {
      return customerCard(await deps.cards.view(agentId, interactionId, working));
    } catch {
      // Not this agent's card: the plain notice below.
    }
  }
  return noticeCard(working.text, 'info');
}

async function refusal(deps: ActionDeps, agentId: string, interactionId: string | undefined, message: string, error: unknown): Promise<AdaptiveCard> {
  const showable = error instanceof AppError && error.code !== 'forbidden' && error.code !== 'not_found';
  if (showable && interactionId) {
    try {
      return customerCard(await deps.cards.view(agentId, interactionId, { kind: 'error', text: message }));
    } catch {
      // Not a card this agent may see (or it is gone): the reason alone is the answer.
    }
  }
  return noticeCard(message, error instanceof AppError ? 'warning' : 'error');
}
