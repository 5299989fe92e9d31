import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import { AppError } from '../domain/errors.js';
import { toE164 } from '../domain/phone.js';
import type { ContactConvergence } from '../interactions/contactEvents.js';
import { acdReasonCode } from '../agents/stateLogEntries.js';
import { findAcdContact, findAgentIdByRef, insertNewAcdContact, putAcdAgentState, putAcdContact, recordAcdEvents, type AcdContactRow } from '../store/acdRepository.js';
import type { Database } from '../store/schema.js';
import { appendStateLog } from '../store/wfmLogRepository.js';
import { mergeEvents, type EventOutcome, type MergedEvents } from './contactMerge.js';
import { logAcdContactSteps } from './contactSteps.js';
import { stepsOf, type AcdAgentStateEvent, type Placed } from './eventGroups.js';
import type { AcdContactEvent, AcdEvent } from './eventSchema.js';

/** A request's events, checked beyond their shape: which problem to answer, or each event's agent. */
export type Resolution = { ok: true; agentIds: string[] } | { ok: false; status: 400 | 422; problem: string };

export interface DispatchOptions {
  /** Names the sender: event ids are unique per source. */
  source: string;
  postCard: boolean;
  /** Throw a contact's refusal instead of reporting it (the simulator shows it to the agent). */
  strict: boolean;
}

/**
 * Applies ACD events: each is recorded by id (a retry acts once), merged into its contact's or agent's latest
 * truth (so the order they come in does not matter), and the contact is then brought to that truth
 * (ContactConvergence). Requests are applied one at a time in this process: two events of one contact never
 * race, and the queue is only an order, not state (what must survive a restart is in the tables).
 */
export class AcdDispatcher {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      agents: AgentService;
      contacts: ContactConvergence;
      defaultRegion: string;
      logger: Logger;
      clock: () => Date;
    },
  ) {}

  /** Checks what the shape cannot: numbers that route (400) and agents that exist (422), naming the field. */
  async resolve(events: readonly AcdEvent[], fieldPrefix: (index: number) => string): Promise<Resolution> {
    const agentIds: string[] = [];
    // A batch names the same agent again and again (a contact's events): each is looked up once.
    const found = new Map<string, string | undefined>();
    for (const [index, event] of events.entries()) {
      if (event.type !== 'agent.state' && event.contact.ani && !toE164(event.contact.ani, this.deps.defaultRegion)) {
        return { ok: false, status: 400, problem: `${fieldPrefix(index)}contact.ani: is not a phone number that can be routed` };
      }
      const ref = 'aadObjectId' in event.agent ? `id:${event.agent.aadObjectId}` : `email:${event.agent.email.toLowerCase()}`;
      // An agent this process has noted exists (agents are never deleted, and their id is their Entra object id).
      if (!found.has(ref) && 'aadObjectId' in event.agent && this.deps.agents.isKnown(event.agent.aadObjectId)) found.set(ref, event.agent.aadObjectId);
      if (!found.has(ref)) found.set(ref, await findAgentIdByRef(this.deps.db, event.agent));
      const agentId = found.get(ref);
      if (!agentId) {
        const field = 'aadObjectId' in event.agent ? 'aadObjectId' : 'email';
        return { ok: false, status: 422, problem: `${fieldPrefix(index)}agent.${field}: no agent known here by this ${field} (they must have opened the bot in Teams once)` };
      }
      agentIds.push(agentId);
    }
    return { ok: true, agentIds };
  }

  /**
   * Applies resolved events in order, after any already queued; the events of one contact in one request
   * together (eventGroups.ts), so a contact offered and answered at once is converged once, to answered.
   */
  dispatch(events: readonly AcdEvent[], agentIds: readonly string[], options: DispatchOptions): Promise<{ outcomes: EventOutcome[]; created: CustomerCardView[] }> {
    this.deps.contacts.prepare(events);
    const run = this.queue.then(async () => {
      // What the requests before this one started goes as far as it can first (a card's post is written out to
      // Teams, say), before this request's work takes the thread: on a busy process the cards go out as soon
      // as they did when the queue waited for them, and the queue still does not wait for Teams' answer.
      await new Promise((resolve) => setImmediate(resolve));
      const outcomes: EventOutcome[] = [];
      const created: CustomerCardView[] = [];
      for (const step of stepsOf(events, agentIds)) {
        if (step.kind === 'agent') outcomes[step.item.index] = await this.applyAgentState(step.item, options);
        else for (const [index, outcome] of await this.applyContact(step.contactId, step.items, options, created)) outcomes[index] = outcome;
      }
      return { outcomes, created };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyAgentState({ event, agentId }: Placed<AcdAgentStateEvent>, options: DispatchOptions): Promise<EventOutcome> {
    const now = this.deps.clock().toISOString();
    const key = `${options.source}:${event.id}`;
    let fresh = false;
    let latest = false;
    await this.deps.db.transaction().execute(async (trx) => {
      fresh = (await recordAcdEvents(trx, [{ key, type: event.type, at: event.at }], now)).size === 1;
      if (fresh) latest = await putAcdAgentState(trx, { agent_id: agentId, state: event.state, reason_code: event.reasonCode ?? null, at: event.at });
      // Late: still the ACD's word about that moment. The log is read by time, so it slots into its place there;
      // the agent's current state, newer, stays.
      if (fresh && !latest) {
        const reasonCode = acdReasonCode(this.deps.agents.reasonCodes, event.state, event.reasonCode ?? null);
        await appendStateLog(trx, { agentId, state: event.state, reasonCode, startedAt: event.at, interactionId: null, source: 'acd', eventKey: key }, now);
      }
    });
    if (!fresh) return { id: event.id, outcome: 'duplicate' };
    if (!latest) return { id: event.id, outcome: 'superseded' };
    const applied = await this.deps.agents.applyAcdState(agentId, event.state, event.reasonCode ?? null, event.at, key);
    // Held: the agent is on a contact; the state applies when that contact is done (ContactConvergence).
    return { id: event.id, outcome: applied === 'applied' ? 'applied' : 'held' };
  }

  /**
   * One contact's events of a request: recorded by id and merged, in order, in one transaction (one insert
   * of their keys, one read, one write, and each new event's step in the contact log, at its own time, even
   * one that moves the contact no further), then the contact converged once to the merged truth. An offer
   * usually brings a contact not seen before: its row is then written as its events make it, with no read
   * first, and read only if it turns out to be there.
   */
  private async applyContact(contactId: string, items: ReadonlyArray<Placed<AcdContactEvent>>, options: DispatchOptions, created: CustomerCardView[]): Promise<Array<[number, EventOutcome]>> {
    const now = this.deps.clock().toISOString();
    const keyOf = (event: AcdEvent) => `${options.source}:${event.id}`;
    let known: AcdContactRow | undefined;
    let merged: MergedEvents = { contact: undefined, outcomes: [], said: [] };
    await this.deps.db.transaction().execute(async (trx) => {
      const fresh = await recordAcdEvents(
        trx,
        items.map(({ event }) => ({ key: keyOf(event), type: event.type, at: event.at })),
        now,
      );
      merged = mergeEvents(undefined, items, fresh, keyOf, options.source);
      const offered = items.some(({ event }) => event.type === 'contact.offered');
      if (!(offered && merged.contact && (await insertNewAcdContact(trx, merged.contact)))) {
        known = await findAcdContact(trx, contactId);
        merged = mergeEvents(known, items, fresh, keyOf, options.source);
        if (merged.contact && merged.contact !== known) await putAcdContact(trx, merged.contact);
      }
      if (merged.contact) await logAcdContactSteps(trx, merged.contact, merged.said, options.source, now);
    });
    const { contact, outcomes, said } = merged;
    if (!contact) return outcomes;
    // A retry converges too: it finishes whatever a failure left undone after the event was recorded.
    try {
      const view = await this.deps.contacts.converge(contact, options, { noInteractionYet: !known, events: said });
      if (view) created.push(view);
    } catch (error) {
      if (options.strict || !(error instanceof AppError)) throw error;
      this.deps.logger.info({ eventIds: items.map(({ event }) => event.id), contactId, problem: error.message }, 'ACD event refused');
      return items.map(({ index, event }) => [index, { id: event.id, outcome: 'refused', message: error.message }]);
    }
    return outcomes;
  }
}
