import type { AcdContactEvent, AcdEvent } from './eventSchema.js';

export type AcdAgentStateEvent = Extract<AcdEvent, { type: 'agent.state' }>;

/** One event of a request, with where it stands in the request (its outcome goes there) and its agent. */
export interface Placed<E extends AcdEvent> {
  index: number;
  event: E;
  agentId: string;
}

/** What the dispatcher applies in one go: an agent's state change, or all of one contact's events. */
export type EventStep = { kind: 'agent'; item: Placed<AcdAgentStateEvent> } | { kind: 'contact'; contactId: string; items: Array<Placed<AcdContactEvent>> };

/**
 * A request's events as steps: the events of one contact together (recorded, merged and converged once),
 * at the place of its first event. An agent state change stays where it is, and no contact's events are
 * gathered across it: a state said after a contact's event still comes after it (it may be held by it).
 */
export function stepsOf(events: readonly AcdEvent[], agentIds: readonly string[]): EventStep[] {
  const steps: EventStep[] = [];
  let open = new Map<string, Array<Placed<AcdContactEvent>>>();
  for (const [index, event] of events.entries()) {
    const agentId = agentIds[index]!;
    if (event.type === 'agent.state') {
      steps.push({ kind: 'agent', item: { index, event, agentId } });
      open = new Map();
      continue;
    }
    const items = open.get(event.contact.id);
    if (items) {
      items.push({ index, event, agentId });
    } else {
      const fresh = [{ index, event, agentId }];
      open.set(event.contact.id, fresh);
      steps.push({ kind: 'contact', contactId: event.contact.id, items: fresh });
    }
  }
  return steps;
}
