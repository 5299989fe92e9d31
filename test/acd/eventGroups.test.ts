import { describe, expect, it } from 'vitest';
import { stepsOf } from '../../src/acd/eventGroups.js';
import type { AcdEvent } from '../../src/acd/eventSchema.js';

const at = '2026-01-01T00:00:00.000Z';
const agent = { aadObjectId: 'a' };
const contactEvent = (id: string, type: 'contact.offered' | 'contact.answered' | 'contact.ended', contactId: string): AcdEvent =>
  type === 'contact.offered' ? { id, type, at, agent, contact: { id: contactId, channel: 'voice', ani: '+12065550142' } } : { id, type, at, agent, contact: { id: contactId, channel: 'voice' } };
const stateEvent = (id: string): AcdEvent => ({ id, type: 'agent.state', at, agent, state: 'Unavailable', reasonCode: 'Lunch' });

/** Each step as the event ids it applies, in the order the dispatcher applies them. */
function shape(events: AcdEvent[]): string[][] {
  return stepsOf(
    events,
    events.map(() => 'agent-a'),
  ).map((step) => (step.kind === 'agent' ? [`state:${step.item.event.id}`] : step.items.map((i) => `${step.contactId}:${i.event.id}@${i.index}`)));
}

describe('the steps of a request of ACD events', () => {
  it('gathers the events of one contact at the place of its first, keeping their order and their places', () => {
    const events = [contactEvent('1', 'contact.offered', 'c1'), contactEvent('2', 'contact.offered', 'c2'), contactEvent('3', 'contact.answered', 'c1'), contactEvent('4', 'contact.ended', 'c1')];
    expect(shape(events)).toEqual([['c1:1@0', 'c1:3@2', 'c1:4@3'], ['c2:2@1']]);
  });

  it('gathers no contact across an agent state change: a state said between two events of a contact stays between them', () => {
    const events = [contactEvent('1', 'contact.offered', 'c1'), stateEvent('s'), contactEvent('2', 'contact.answered', 'c1')];
    expect(shape(events)).toEqual([['c1:1@0'], ['state:s'], ['c1:2@2']]);
  });

  it('keeps the same event twice in its contact (the dispatcher reports the second a duplicate)', () => {
    const offered = contactEvent('1', 'contact.offered', 'c1');
    expect(shape([offered, offered])).toEqual([['c1:1@0', 'c1:1@1']]);
  });
});
