import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import { AppError } from '../domain/errors.js';
import { toE164 } from '../domain/phone.js';
import { PHASE_RANK, type ContactConvergence, type ContactEventSaid } from '../interactions/contactEvents.js';
import { acdReasonCode } from '../agents/stateLogEntries.js';
import { findAcdContact, findAgentIdByRef, putAcdAgentState, putAcdContact, recordAcdEvents, type AcdContactRow } from '../store/acdRepository.js';
import type { Database } from '../store/schema.js';
import { appendStateLog } from '../store/wfmLogRepository.js';
import { logAcdContactSteps } from './contactSteps.js';
import { stepsOf, type AcdAgentStateEvent, type Placed } from './eventGroups.js';
import type { AcdContactEvent, AcdEvent } from './eventSchema.js';

/** What became of one event: applied, a retry of one applied before, or older than what is already known. */
export type EventOutcome = { id: string; outcome: 'applied' | 'duplicate' | 'superseded' | 'held' | 'refused'; message?: string };

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
   * one that moves the contact no further), then the contact converged once to the merged truth.
   */
  private async applyContact(contactId: string, items: ReadonlyArray<Placed<AcdContactEvent>>, options: DispatchOptions, created: CustomerCardView[]): Promise<Array<[number, EventOutcome]>> {
    const now = this.deps.clock().toISOString();
    const keyOf = (event: AcdEvent) => `${options.source}:${event.id}`;
    const outcomes: Array<[number, EventOutcome]> = [];
    let contact: AcdContactRow | undefined;
    let known: AcdContactRow | undefined;
    const said: Array<Placed<AcdContactEvent> & ContactEventSaid> = [];
    await this.deps.db.transaction().execute(async (trx) => {
      const fresh = await recordAcdEvents(
        trx,
        items.map(({ event }) => ({ key: keyOf(event), type: event.type, at: event.at })),
        now,
      );
      known = await findAcdContact(trx, contactId);
      contact = known;
      for (const { index, event, agentId } of items) {
        // Deleted once merged: the same id twice in one request acts once, like a retry.
        if (!fresh.delete(keyOf(event))) {
          outcomes.push([index, { id: event.id, outcome: 'duplicate' }]);
          continue;
        }
        const merged = mergeContact(contact, event, agentId, options.source);
        outcomes.push([index, { id: event.id, outcome: merged !== contact ? 'applied' : 'superseded' }]);
        contact = merged;
        said.push({ index, event, agentId, type: event.type, at: event.at, key: keyOf(event) });
      }
      if (contact && contact !== known) await putAcdContact(trx, contact);
      if (contact) await logAcdContactSteps(trx, contact, said, options.source, now);
    });
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

const PHASE_OF: Record<AcdContactEvent['type'], string | undefined> = {
  'contact.offered': 'offered',
  'contact.answered': 'answered',
  'contact.ended': 'ended',
  'contact.acwCompleted': 'acwCompleted',
  'contact.abandoned': 'abandoned',
  'contact.transferred': undefined,
};

/**
 * A contact's truth after one more event, whatever order they come in: the contact is with the agent of its
 * latest event (a transfer's `agent` is who it went to); it has gone as far as its furthest event (between
 * the two ends, acwCompleted and abandoned, the later one counts); details fill in from any event that has
 * them. Returns `known` itself when the event adds nothing.
 */
export function mergeContact(known: AcdContactRow | undefined, event: AcdContactEvent, agentId: string, source: string): AcdContactRow {
  const phase = PHASE_OF[event.type];
  const row: AcdContactRow = known
    ? { ...known }
    : {
        contact_id: event.contact.id,
        source,
        agent_id: agentId,
        agent_at: event.at,
        phase: phase ?? 'offered',
        phase_at: event.at,
        channel: null,
        ani: null,
        dnis: null,
        skill: null,
        disposition: null,
        notes: null,
      };
  if (event.at > row.agent_at) Object.assign(row, { agent_id: agentId, agent_at: event.at });
  if (phase && known) {
    const rank = PHASE_RANK[phase]!;
    const knownRank = PHASE_RANK[row.phase]!;
    if (rank > knownRank || (rank === knownRank && rank === PHASE_RANK.abandoned && event.at > row.phase_at)) Object.assign(row, { phase, phase_at: event.at });
  }
  row.channel ??= event.contact.channel;
  row.ani ??= event.contact.ani ?? null;
  row.dnis ??= event.contact.dnis ?? null;
  row.skill ??= event.contact.skill ?? null;
  if (event.type === 'contact.acwCompleted') {
    row.disposition ??= event.disposition ?? null;
    row.notes ??= event.notes ?? null;
  }
  const changed = !known || (Object.keys(row) as Array<keyof AcdContactRow>).some((k) => row[k] !== known[k]);
  return changed ? row : known;
}
