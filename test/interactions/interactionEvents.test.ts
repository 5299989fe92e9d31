import { describe, expect, it } from 'vitest';
import type { CardChangeBus, RemoteCardChange } from '../../src/interactions/cardChangeBus.js';
import { InteractionEvents, type CardChange } from '../../src/interactions/interactionEvents.js';

describe('interaction events: whether a card drawn from a mark may have missed a change', () => {
  it('says an interaction changed since a mark only if a change of it was raised after the mark', () => {
    const events = new InteractionEvents(() => undefined);
    events.cardChanged('i-1', 'a-1');
    const mark = events.mark();
    expect(events.changedSince('i-1', mark)).toBe(false);
    events.cardChanged('i-2', 'a-2');
    expect(events.changedSince('i-1', mark)).toBe(false);
    expect(events.changedSince('i-2', mark)).toBe(true);
    events.cardChanged('i-1', 'a-1');
    expect(events.changedSince('i-1', mark)).toBe(true);
    expect(events.changedSince('never-changed', mark)).toBe(false);
  });

  it('remembers a bounded number of interactions, and counts a forgotten one as changed rather than guess', () => {
    const events = new InteractionEvents(() => undefined);
    const mark = events.mark();
    for (let i = 0; i <= 10_000; i++) events.cardChanged(`i-${i}`, 'a');
    // i-0 was forgotten when the 10,001st interaction came: it may have changed after the mark.
    expect(events.changedSince('i-0', mark)).toBe(true);
    expect(events.changedSince('unknown', mark)).toBe(true);
    const later = events.mark();
    expect(events.changedSince('unknown', later)).toBe(false);
    expect(events.changedSince('i-10000', later)).toBe(false);
  });

  it('gives each listener the change, after the caller has gone on', async () => {
    const events = new InteractionEvents(() => undefined);
    const heard: string[] = [];
    events.onCardChanged((c) => void heard.push(c.interactionId));
    events.cardChanged('i-1', 'a-1');
    expect(heard).toEqual([]);
    await Promise.resolve();
    expect(heard).toEqual(['i-1']);
  });

  it("tells this instance's own changes to its card message once announced, with their revision, and another instance's only to its tabs", async () => {
    let hear: (change: RemoteCardChange) => void = () => undefined;
    let revision = 0;
    const bus: CardChangeBus = {
      announce: async () => ++revision,
      onRemoteChange: (listener) => void (hear = listener),
      close: async () => undefined,
    };
    const events = new InteractionEvents(() => undefined, bus);
    const all: CardChange[] = [];
    const own: CardChange[] = [];
    events.onCardChanged((c) => void all.push(c));
    events.onOwnCardChanged((c) => void own.push(c));

    events.cardChanged('i-1', 'a-1');
    hear({ interactionId: 'i-2', agentId: 'a-2', revision: 7 });
    await new Promise((resolve) => setImmediate(resolve));

    expect(all).toEqual([
      { interactionId: 'i-1', agentId: 'a-1' },
      { interactionId: 'i-2', agentId: 'a-2', revision: 7 },
    ]);
    expect(own).toEqual([{ interactionId: 'i-1', agentId: 'a-1', revision: 1 }]);
  });

  it('without other instances (SQLite), tells its own changes to both at once', async () => {
    const events = new InteractionEvents(() => undefined);
    const own: CardChange[] = [];
    events.onOwnCardChanged((c) => void own.push(c));
    events.cardChanged('i-1', 'a-1');
    await Promise.resolve();
    expect(own).toEqual([{ interactionId: 'i-1', agentId: 'a-1' }]);
  });
});
