import type { AgentStateName } from '../domain/agentState.js';
import type { StateLogEntry, StateSource } from '../domain/wfm.js';

/**
 * Who moved an agent's state, and when, for the state log (issue 15): an ACD event gives its own time and key
 * (the log is read by time, so a late one slots into place; a retried one is recorded once); anything else
 * happened now.
 */
export interface StateMove {
  source: StateSource;
  /** The event's time; absent, the time of the change (the caller's clock). */
  at?: string;
  /** "<source>:<event id>" of the ACD event that moved it: one entry per key, so one event keys one entry only. */
  eventKey?: string | null;
}

/** The state log entry of an agent entering `state` (the interaction they are on, if any), as `move` says. */
export function stateEntry(agentId: string, entered: { state: AgentStateName; reasonCode: string | null; interactionId: string | null }, move: StateMove, now: string): StateLogEntry {
  return {
    agentId,
    state: entered.state,
    reasonCode: entered.reasonCode,
    startedAt: move.at ?? now,
    interactionId: entered.interactionId,
    source: move.source,
    eventKey: move.eventKey ?? null,
  };
}

/** A reason code an ACD names, in our spelling when it is one of ours (kept as the ACD's otherwise); none unless Unavailable. */
export function acdReasonCode(reasonCodes: readonly string[], state: 'Available' | 'Unavailable', reasonCode: string | null): string | null {
  if (state !== 'Unavailable' || !reasonCode) return null;
  return reasonCodes.find((c) => c.toLowerCase() === reasonCode.toLowerCase()) ?? reasonCode;
}
