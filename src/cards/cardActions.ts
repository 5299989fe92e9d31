import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { messageForPerson } from '../errorReporting.js';
import type { InteractionServices } from '../interactions/interactionServices.js';
import {
  caseData,
  completeAcwData,
  contactData,
  customRecordData,
  duplicatesData,
  mergeData,
  editedFields,
  interactionData,
  lookupData,
  parseActionData,
  parseFieldLines,
  recordData,
  searchData,
} from './actionData.js';
import { customerCard } from './customerCard.js';
import type { AdaptiveCard as Element } from './schema/adaptiveCard.js';
import { noticeCard } from './noticeCard.js';
import { recordDetailsCard } from './recordDetailsCard.js';
import { VERB_PROGRESS, VERBS, type Verb } from './verbs.js';

export interface CardActionDeps extends InteractionServices {
  /** Who is a supervisor (SUPERVISOR_IDS, by Entra object id: the agent id of a Teams user). */
  agents: Pick<AgentService, 'isSupervisor'>;
  logger: Logger;
  /** How long a click may wait for its result before it is answered with a "working" card (default 3 s). */
  answerWithinMs?: number;
}

interface Handler<T> {
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  run(deps: CardActionDeps, agentId: string, data: T): Promise<Element>;
}

const ref = (d: { recordType: string; recordId: string }) => ({ type: d.recordType, id: d.recordId });
const handler = <T>(h: Handler<T>): Handler<unknown> => h as Handler<unknown>;

/** Every Customer Card action: its data's schema and what it does. Chat and tab both come through here. */
const HANDLERS: Record<Verb, Handler<unknown>> = {
  [VERBS.show]: handler({ schema: interactionData, run: readCard }),
  // Teams sends it for the owner only (the card's refresh names them); anyone else who sends it is refused
  // like a missing id, except a supervisor, who reads the card without its actions.
  [VERBS.refresh]: handler({ schema: interactionData, run: readCard }),
  [VERBS.link]: handler({ schema: recordData, run: async (d, a, x) => customerCard(await d.records.link(a, x.interactionId, ref(x))) }),
  [VERBS.unlink]: handler({ schema: recordData, run: async (d, a, x) => customerCard(await d.records.unlink(a, x.interactionId, ref(x))) }),
  [VERBS.details]: handler({ schema: recordData, run: async (d, a, x) => recordDetailsCard(await d.cards.details(a, x.interactionId, ref(x))) }),
  [VERBS.lookupDetails]: handler({ schema: lookupData, run: async (d, a, x) => recordDetailsCard(await d.cards.lookupDetails(a, ref(x))) }),
  [VERBS.search]: handler({ schema: searchData, run: async (d, a, x) => customerCard(await d.records.searchOnCard(a, x.interactionId, x.query)) }),
  [VERBS.createContact]: handler({
    schema: contactData,
    run: async (d, a, x) =>
      customerCard(
        await d.records.createRecord(a, x.interactionId, {
          kind: 'contact',
          fields: { firstName: x.firstName, lastName: x.lastName, phone: x.phone, email: x.email },
        }),
      ),
  }),
  [VERBS.createCase]: handler({
    schema: caseData,
    run: async (d, a, x) =>
      customerCard(
        await d.records.createRecord(a, x.interactionId, { kind: 'case', fields: { subject: x.subject, description: x.description, priority: x.priority } }),
      ),
  }),
  [VERBS.createCustom]: handler({
    schema: customRecordData,
    run: async (d, a, x) =>
      customerCard(await d.records.createRecord(a, x.interactionId, { kind: 'custom', entity: x.entity, fields: parseFieldLines(x.fields) })),
  }),
  [VERBS.updateRecord]: handler({
    schema: recordData,
    run: async (d, a, x) => customerCard(await d.records.updateRecord(a, x.interactionId, ref(x), editedFields(x))),
  }),
  [VERBS.findDuplicates]: handler({
    schema: duplicatesData,
    run: async (d, a, x) => customerCard(await d.merging.findDuplicates(a, x.interactionId, x.duplicateQuery)),
  }),
  [VERBS.mergeCustomer]: handler({
    schema: mergeData,
    run: async (d, a, x) => customerCard(await d.merging.mergeCustomer(a, x.interactionId, x.customerId)),
  }),
  [VERBS.completeAcw]: handler({
    schema: completeAcwData,
    run: async (d, a, x) => customerCard(await d.calls.completeAcw(a, x.interactionId, { disposition: x.disposition, notes: x.notes })),
  }),
};

/**
 * Reading a card (show, refresh): the owner gets their own view; a supervisor (SUPERVISOR_IDS) reads anyone's,
 * read-only (its data, no action, no notice meant for its owner); anyone else gets the refusal an id that
 * does not exist gets.
 */
async function readCard(deps: CardActionDeps, agentId: string, data: { interactionId: string }): Promise<Element> {
  const { view, access } = await deps.cards.readableView(agentId, data.interactionId, deps.agents.isSupervisor(agentId));
  return customerCard(view, access === 'owner' ? 'owner' : 'supervisor');
}

/** The schema of a verb's data (for its tests, and for whoever needs to know which fields a verb reads). */
export function actionSchema(verb: Verb): z.ZodType<unknown, z.ZodTypeDef, unknown> {
  return HANDLERS[verb].schema;
}

export function isCardVerb(verb: string): verb is Verb {
  return Object.hasOwn(HANDLERS, verb);
}

/**
 * Runs one card action for an agent and returns the card to show in its place. A refused action answers
 * with the agent's current card and the reason on it, or, when the card is not theirs to see, with the
 * reason alone. Slow work never holds the click: past `answerWithinMs` the answer is the card as it stands,
 * saying what is in progress, and the result reaches the card when it is done (the service keeps it and
 * the card message is updated in place). Never throws.
 */
export async function runCardAction(deps: CardActionDeps, agentId: string, verb: Verb, raw: unknown, logContext: Record<string, unknown> = {}): Promise<Element> {
  const interactionId = typeof (raw as { interactionId?: unknown })?.interactionId === 'string' ? (raw as { interactionId: string }).interactionId : undefined;
  const { schema, run } = HANDLERS[verb];
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
  work.catch(async (error: unknown) => {
    const message = messageForPerson(error, deps.logger, { verb, agentId, late: true, ...logContext });
    if (interactionId && (await deps.cards.isOwner(agentId, interactionId))) {
      await deps.cards.noteOutcome(interactionId, { kind: 'error', text: `${VERB_PROGRESS[verb]} did not work: ${message}` });
    }
  }).catch((error: unknown) => deps.logger.error({ err: error, verb }, 'late outcome not recorded'));
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

async function refusal(deps: CardActionDeps, agentId: string, interactionId: string | undefined, message: string, error: unknown): Promise<Element> {
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
