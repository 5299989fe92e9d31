import type { Logger } from 'pino';
import type { z } from 'zod';
import type { AgentService } from '../agents/agentService.js';
import type { AdaptiveCard } from '../cards/schema/adaptiveCard.js';
import type { Verb } from '../cards/verbs.js';
import type { FieldValue, RecordRef } from '../domain/crmRecord.js';
import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import type { ThreadStatus } from '../domain/digital.js';
import type { RecordDetails } from '../domain/recordDetails.js';

/*
 * What the card actions need of the services, by method signature (not by class), so the actions do not
 * care which class answers: one interaction service today, the services split by feature tomorrow.
 */

/** The call's end: After Call Work. */
export interface CallActions {
  completeAcw(agentId: string, interactionId: string, input: { disposition: string; notes: string }): Promise<CustomerCardView>;
}

/** The records on a card: link, create, update, search. */
export interface RecordActions {
  link(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView>;
  unlink(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView>;
  createRecord(
    agentId: string,
    interactionId: string,
    request: { kind: 'contact' | 'case'; fields: Record<string, FieldValue | undefined> } | { kind: 'custom'; entity: string; fields: Record<string, FieldValue> },
  ): Promise<CustomerCardView>;
  updateRecord(agentId: string, interactionId: string, ref: RecordRef, submitted: Record<string, string>): Promise<CustomerCardView>;
  searchOnCard(agentId: string, interactionId: string, text: string): Promise<CustomerCardView>;
}

/** Another card of the same customer: find it, merge it. */
export interface MergeActions {
  findDuplicates(agentId: string, interactionId: string, text: string): Promise<CustomerCardView>;
  mergeCustomer(agentId: string, interactionId: string, otherCustomerId: string): Promise<CustomerCardView>;
}

/** Reading cards and records (and keeping a late outcome on the card). */
export interface CardReads {
  view(agentId: string, interactionId: string, notice?: Notice): Promise<CustomerCardView>;
  readableView(agentId: string, interactionId: string, asSupervisor: boolean): Promise<{ view: CustomerCardView; access: 'owner' | 'supervisor' }>;
  isOwner(agentId: string, interactionId: string): Promise<boolean>;
  details(agentId: string, interactionId: string, ref: RecordRef): Promise<RecordDetails>;
  lookupDetails(agentId: string, ref: RecordRef): Promise<RecordDetails>;
  noteOutcome(interactionId: string, notice: Notice): Promise<void>;
}

/** A digital thread's reply box (issue 14). */
export interface ReplyActions {
  reply(agentId: string, interactionId: string, input: { replyId: string; text: string }): Promise<CustomerCardView>;
}

/** A digital conversation's outcome (status, tags, notes) and letting it go: transfer, unassign, dismiss. */
export interface ThreadActions {
  saveOutcome(agentId: string, interactionId: string, input: { status: ThreadStatus; tags: string; notes: string }): Promise<CustomerCardView>;
  transfer(agentId: string, interactionId: string, transferTo: string): Promise<CustomerCardView>;
  unassign(agentId: string, interactionId: string): Promise<CustomerCardView>;
  dismiss(agentId: string, interactionId: string): Promise<CustomerCardView>;
}

export interface ActionServices {
  calls: CallActions;
  records: RecordActions;
  merging: MergeActions;
  cards: CardReads;
  replies: ReplyActions;
  threads: ThreadActions;
  /** Who is a supervisor (SUPERVISOR_IDS, by Entra object id: the agent id of a Teams user). */
  agents: Pick<AgentService, 'isSupervisor'>;
}

export interface ActionDeps extends ActionServices {
  logger: Logger;
  /** How long a click may wait for its result before it is answered with a "working" card (default 3 s). */
  answerWithinMs?: number;
}

/** The schema of an action's data: what a client sends, parsed before use. */
export type ActionSchema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** One Customer Card action: its verb, the schema of its data, and what it does (the card to show in its place). */
export interface CardAction<T = unknown> {
  verb: Verb;
  schema: ActionSchema<T>;
  run(services: ActionServices, agentId: string, data: T): Promise<AdaptiveCard>;
}

/** Types an action's `run` by its schema, then forgets the data type so actions of any data fit one list. */
export function defineAction<T>(action: CardAction<T>): CardAction {
  return action as CardAction;
}
