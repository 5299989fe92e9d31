import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import { AppError } from '../domain/errors.js';
import { toE164 } from '../domain/phone.js';
import { PHASE_RANK, type ContactConvergence } from '../interactions/contactEvents.js';
import { findAcdContact, findAgentIdByRef, putAcdAgentState, putAcdContact, recordAcdEvent, type AcdContactRow } from '../store/acdRepository.js';
import type { Database } from '../store/schema.js';
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
 * (ContactConvergence). Events are applied one at a time in this process: two events of one contact never
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
    for (const [index, event] of events.entries()) {
      if (event.type !== 'agent.state' && event.contact.ani && !toE164(event.contact.ani, this.deps.defaultRegion)) {
        return { ok: false, status: 400, problem: `${fieldPrefix(index)}contact.ani: is not a phone number that can be routed` };
      }
      const agentId = await findAgentIdByRef(this.deps.db, event.agent);
      if (!agentId) {
        const field = 'aadObjectId' in event.agent ? 'aadObjectId' : 'email';
        return { ok: false, status: 422, problem: `${fieldPrefix(index)}agent.${field}: no agent known here by this ${field} (they must have opened the bot in Teams once)` };
      }
      agentIds.push(agentId);
    }
    return { ok: true, agentIds };
  }

  /** Applies resolved events in order, after any already queued. */
  dispatch(events: readonly AcdEvent[], agentIds: readonly string[], options: DispatchOptions): Promise<{ outcomes: EventOutcome[]; created: CustomerCardView[] }> {
    const run = this.queue.then(async () => {
      const outcomes: EventOutcome[] = [];
      const created: CustomerCardView[] = [];
      for (const [index, event] of events.entries()) outcomes.push(await this.apply(event, agentIds[index]!, options, created));
      return { outcomes, created };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(event: AcdEvent, agentId: string, options: DispatchOptions, created: CustomerCardView[]): Promise<EventOutcome> {
    const now = this.deps.clock().toISOString();
    let fresh = false;
    let latest = false;
    await this.deps.db.transaction().execute(async (trx) => {
      fresh = await recordAcdEvent(trx, `${options.source}:${event.id}`, event.type, event.at, now);
      if (!fresh) return;
      if (event.type === 'agent.state') {
        latest = await putAcdAgentState(trx, { agent_id: agentId, state: event.state, reason_code: event.reasonCode ?? null, at: event.at });
      } else {
        const known = await findAcdContact(trx, event.contact.id);
        const merged = mergeContact(known, event, agentId, options.source);
        latest = merged !== known;
        if (latest) await putAcdContact(trx, merged);
      }
    });

    if (event.type === 'agent.state') {
      if (!fresh) return { id: event.id, outcome: 'duplicate' };
      if (!latest) return { id: event.id, outcome: 'superseded' };
      const applied = await this.deps.agents.applyAcdState(agentId, event.state, event.reasonCode ?? null, event.at);
      // Held: the agent is on a contact; the state applies when that contact is done (ContactConvergence).
      return { id: event.id, outcome: applied === 'applied' ? 'applied' : 'held' };
    }
    // A retry converges too: it finishes whatever a failure left undone after the event was recorded.
    try {
      const view = await this.deps.contacts.converge(event.contact.id, options);
      if (view) created.push(view);
    } catch (error) {
      if (options.strict || !(error instanceof AppError)) throw error;
      this.deps.logger.info({ eventId: event.id, contactId: event.contact.id, problem: error.message }, 'ACD event refused');
      return { id: event.id, outcome: 'refused', message: error.message };
    }
    if (!fresh) return { id: event.id, outcome: 'duplicate' };
    return { id: event.id, outcome: latest ? 'applied' : 'superseded' };
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
    : { contact_id: event.contact.id, source, agent_id: agentId, agent_at: event.at, phase: phase ?? 'offered', phase_at: event.at, channel: null, ani: null, dnis: null, skill: null, disposition: null, notes: null };
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
