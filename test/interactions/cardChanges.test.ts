import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardChange } from '../../src/interactions/interactionEvents.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

describe.each(STORE_BACKENDS)('what a card change tells the places showing the card ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** Services whose card changes are recorded, and an agent on a call with Maria. */
  async function onACall() {
    const services = await buildServices(store);
    const changes: CardChange[] = [];
    services.events.onCardChanged((change) => void changes.push(change));
    await services.agents.identify('aad-1', 'Alex Agent');
    await services.agents.setAvailable('aad-1');
    const offered = await services.calls.offerCall('aad-1', '(206) 555-0142');
    return { services, changes, offered };
  }

  it('hands over the card it drew for the agent, so the chat message and the tab need not draw it again', async () => {
    const { services, changes, offered } = await onACall();
    const hungUp = await services.calls.hangup('aad-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes.map((c) => c.interactionId)).toEqual([offered.interaction.id, offered.interaction.id]);
    expect(changes[1]!.view).toEqual(hungUp);
  });

  it('hands over no card when another change of the same card was raised while it was drawn (it may miss that one)', async () => {
    const {
      services,
      changes,
      offered: { interaction },
    } = await onACall();
    changes.length = 0;
    // A late workflow outcome lands while the hangup's card is being drawn.
    const view = services.cards.view.bind(services.cards);
    services.cards.view = async (...args) => {
      await services.cards.noteOutcome(interaction.id, { kind: 'info', text: 'a late outcome' });
      return view(...args);
    };
    await services.calls.hangup('aad-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toHaveLength(2);
    expect(changes.every((c) => c.view === undefined)).toBe(true);
  });

  it('hands over no card when an ACW write finished while it was drawn, so the finished write is what stays shown', async () => {
    const {
      services,
      changes,
      offered: { interaction },
    } = await onACall();
    changes.length = 0;
    // The worker tells of a finished job (it raises the change itself, with no card) during the drawing.
    const view = services.cards.view.bind(services.cards);
    services.cards.view = async (...args) => {
      const drawn = await view(...args);
      services.events.cardChanged(interaction.id, 'aad-1');
      return drawn;
    };
    await services.calls.hangup('aad-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes.map((c) => c.view)).toEqual([undefined, undefined]);
  });

  it('still hands over its card when only another interaction changed meanwhile', async () => {
    const { services, changes } = await onACall();
    changes.length = 0;
    const view = services.cards.view.bind(services.cards);
    services.cards.view = async (...args) => {
      services.events.cardChanged('some-other-interaction', 'aad-2');
      return view(...args);
    };
    const hungUp = await services.calls.hangup('aad-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes.map((c) => c.interactionId)).toEqual(['some-other-interaction', hungUp.interaction.id]);
    expect(changes[1]!.view).toEqual(hungUp);
  });

  it("counts the caller's interactions on the card drawn at the offer as a fresh read does: a first call 1, a third 3", async () => {
    const { services, offered } = await onACall();
    expect(offered.customer).toMatchObject({ interactions: 1 });
    const input = { disposition: 'Resolved', notes: '' };
    await services.calls.hangup('aad-1');
    await services.calls.completeAcw('aad-1', offered.interaction.id, input);
    await services.agents.setAvailable('aad-1');
    const second = await services.calls.offerCall('aad-1', '+1 206 555 0142');
    await services.calls.hangup('aad-1');
    await services.calls.completeAcw('aad-1', second.interaction.id, input);
    await services.agents.setAvailable('aad-1');
    const third = await services.calls.offerCall('aad-1', '206-555-0142');
    expect(third.customer).toMatchObject({ id: offered.customer!.id, interactions: 3 });
    expect((await services.cards.view('aad-1', third.interaction.id)).customer).toEqual(third.customer);
  });
});
