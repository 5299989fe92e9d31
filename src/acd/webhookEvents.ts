import { randomUUID } from 'node:crypto';

/**
 * What the generic ACD's webhook is told, in the same shape as the events API takes in (eventSchema.ts), so
 * an ACD that sends events can read ours with the same code. The id is the delivery's Idempotency-Key.
 */
export interface OutboundAgentStateEvent {
  id: string;
  type: 'agent.state';
  at: string;
  agent: { aadObjectId: string };
  state: 'Available' | 'Unavailable';
  reasonCode: string | null;
  /** Who changed it: always the agent in Teams (a change the ACD made is never sent back to it). */
  source: 'teams';
}

export function agentStateEvent(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string): OutboundAgentStateEvent {
  return { id: randomUUID(), type: 'agent.state', at, agent: { aadObjectId: agentId }, state, reasonCode, source: 'teams' };
}

export interface OutboundAcwCompletedEvent {
  id: string;
  type: 'contact.acwCompleted';
  at: string;
  agent: { aadObjectId: string };
  contact: { id: string };
  disposition: string | null;
  notes: string | null;
  source: 'teams';
}

export function acwCompletedEvent(agentId: string, contactId: string, disposition: string | null, notes: string | null, at: string): OutboundAcwCompletedEvent {
  return { id: randomUUID(), type: 'contact.acwCompleted', at, agent: { aadObjectId: agentId }, contact: { id: contactId }, disposition, notes, source: 'teams' };
}
