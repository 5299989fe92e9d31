import { PHASE_RANK, type ContactEventSaid } from '../interactions/contactEvents.js';
import type { AcdContactRow } from '../store/acdRepository.js';
import type { Placed } from './eventGroups.js';
import type { AcdContactEvent, AcdEvent } from './eventSchema.js';

/*
 * How a contact's events make its truth, whatever order they come in (AcdDispatcher applies them): pure, so
 * the dispatcher can merge them into nothing (a contact not seen before) and, if it was there after all, into
 * its row.
 */

/** What became of one event: applied, a retry of one applied before, or older than what is already known. */
export type EventOutcome = { id: string; outcome: 'applied' | 'duplicate' | 'superseded' | 'held' | 'refused'; message?: string };

/** A contact's events of one request merged into what was known of it: the contact after them, each event's outcome, the events said. */
export interface MergedEvents {
  contact: AcdContactRow | undefined;
  outcomes: Array<[number, EventOutcome]>;
  said: Array<Placed<AcdContactEvent> & ContactEventSaid>;
}

/** Merges, in order, the events whose keys were recorded now (`fresh`); the others are retries. */
export function mergeEvents(
  known: AcdContactRow | undefined,
  items: ReadonlyArray<Placed<AcdContactEvent>>,
  fresh: ReadonlySet<string>,
  keyOf: (event: AcdEvent) => string,
  source: string,
): MergedEvents {
  const unmerged = new Set(fresh);
  const result: MergedEvents = { contact: known, outcomes: [], said: [] };
  for (const { index, event, agentId } of items) {
    // Deleted once merged: the same id twice in one request acts once, like a retry.
    if (!unmerged.delete(keyOf(event))) {
      result.outcomes.push([index, { id: event.id, outcome: 'duplicate' }]);
      continue;
    }
    const merged = mergeContact(result.contact, event, agentId, source);
    result.outcomes.push([index, { id: event.id, outcome: merged !== result.contact ? 'applied' : 'superseded' }]);
    result.contact = merged;
    result.said.push({ index, event, agentId, type: event.type, at: event.at, key: keyOf(event) });
  }
  return result;
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
