import type { CloudAdapter } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerCard } from '../../src/cards/customerCard.js';
import { VERBS } from '../../src/cards/verbs.js';
import { CardPublisher } from '../../src/teams/cardPublisher.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

type Services = Awaited<ReturnType<typeof buildServices>>;

/** A CloudAdapter stand-in that records each updateActivity and can hold them until released. */
function recordingAdapter() {
  const updates: Array<{ id: string; text: string }> = [];
  const held: Array<() => void> = [];
  let inFlight = 0;
  let most = 0;
  let holding = false;
  const adapter = {
    async continueConversationAsync(_botId: string, _reference: unknown, logic: (context: unknown) => Promise<void>) {
      await logic({
        async updateActivity(activity: { id: string; attachments: Array<{ content: unknown }> }) {
          inFlight++;
          most = Math.max(most, inFlight);
          if (holding) await new Promise<void>((resolve) => held.push(resolve));
          updates.push({ id: activity.id, text: JSON.stringify(activity.attachments[0]!.content) });
          inFlight--;
        },
      });
    },
  };
  return {
    adapter: adapter as unknown as CloudAdapter,
    updates,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      held.splice(0).forEach((resolve) => resolve());
    },
    get most() {
      return most;
    },
  };
}

describe.each(STORE_BACKENDS)('the card message publisher ($name)', (backend) => {
  let store: TestStore;
  let services: Services;
  beforeEach(async () => {
    store = await backend.open();
    services = await buildServices(store);
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** An agent on a call with Maria, whose card message is `msg-<n>`. */
  async function onACall(n: number) {
    const agentId = `agent-${n}`;
    await services.agents.noteContact(agentId, `Agent ${n}`, `29:${n}`, { conversation: { id: `a:${n}` }, serviceUrl: 'http://teams.invalid/' });
    await services.agents.setAvailable(agentId);
    const view = await services.calls.offerCall(agentId, '(206) 555-0142');
    await services.cards.rememberCardMessage(view.interaction.id, `msg-${n}`, 0);
    return { agentId, interactionId: view.interaction.id };
  }

  it('folds a burst of changes to one card into at most two updates, the last showing the card as it is now', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner' });
    const { agentId, interactionId } = await onACall(1);
    const published: Array<Promise<void>> = [];
    const change = async (i: number) => {
      await services.cards.noteOutcome(interactionId, { kind: 'info', text: `change ${i}` });
      published.push(publisher.publish({ interactionId, agentId }));
    };
    teams.hold(); // the first update is on its way while the other changes come in
    await change(0);
    await waitFor('the first update to start', () => teams.most === 1);
    for (let i = 1; i < 20; i++) await change(i);
    teams.release();
    await Promise.all(published);
    expect(teams.updates).toHaveLength(2);
    expect(teams.updates.at(-1)!.text).toContain('change 19');
  });

  it('shows the card a change drew without drawing it again, and draws it afresh for a change that drew none', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner' });
    const { agentId, interactionId } = await onACall(2);
    const drawn = await services.cards.view(agentId, interactionId, { kind: 'info', text: 'drawn by the change' });
    let draws = 0;
    const currentView = services.cards.currentView.bind(services.cards);
    services.cards.currentView = (...args) => (draws++, currentView(...args));
    await publisher.publish({ interactionId, agentId, view: drawn });
    expect(draws).toBe(0);
    expect(teams.updates.at(-1)!.text).toContain('drawn by the change');
    await publisher.publish({ interactionId, agentId });
    expect(draws).toBe(1);
    expect(teams.updates.at(-1)!.text).not.toContain('drawn by the change');
  });

  it('runs at most 8 updates at once; the rest wait their turn and none is lost', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner' });
    const calls = [];
    for (let n = 10; n < 30; n++) calls.push(await onACall(n));
    teams.hold();
    const all = Promise.all(calls.map((c) => publisher.publish(c)));
    await waitFor('8 updates in flight', () => teams.most === 8);
    await new Promise((resolve) => setTimeout(resolve, 50)); // and no ninth starts meanwhile
    expect(teams.most).toBe(8);
    teams.release();
    // Released ones let the next start, which are held no more.
    await all;
    expect(teams.most).toBe(8);
    expect(new Set(teams.updates.map((u) => u.id))).toEqual(new Set(calls.map((_, i) => `msg-${i + 10}`)));
  });

  it('starts at most updatesPerSecond updates a second, after a first burst of as many (Teams answers 429 beyond its rate)', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner', updatesPerSecond: 10 });
    const calls = [];
    for (let n = 40; n < 55; n++) calls.push(await onACall(n));
    const started = performance.now();
    await Promise.all(calls.map((c) => publisher.publish(c)));
    // 10 at once, then the other 5 at 10 a second: never sooner than 0.5 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(teams.updates).toHaveLength(15);
  });

  it('spends no update on a card not posted yet (its post carries the newest card)', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner', updatesPerSecond: 10 });
    const posted = [];
    for (let n = 60; n < 70; n++) posted.push(await onACall(n));
    const unposted = [];
    for (let n = 70; n < 100; n++) {
      const agentId = `agent-${n}`;
      await services.agents.noteContact(agentId, `Agent ${n}`, `29:${n}`, { conversation: { id: `a:${n}` }, serviceUrl: 'http://teams.invalid/' });
      await services.agents.setAvailable(agentId);
      unposted.push({ agentId, interactionId: (await services.calls.offerCall(agentId, '(206) 555-0142')).interaction.id });
    }
    const started = performance.now();
    // The unposted ones first: were each to take one of the 10 a second, the posted ones would wait 3 s.
    await Promise.all([...unposted, ...posted].map((c) => publisher.publish(c)));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(new Set(teams.updates.map((u) => u.id))).toEqual(new Set(posted.map((_, i) => `msg-${i + 60}`)));
  });

  it('keeps no card for a change that waits behind others: it is drawn afresh when its turn comes', async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner' });
    const calls = [];
    for (let n = 100; n < 120; n++) calls.push(await onACall(n));
    const views = await Promise.all(calls.map((c) => services.cards.view(c.agentId, c.interactionId)));
    let draws = 0;
    const currentView = services.cards.currentView.bind(services.cards);
    services.cards.currentView = (...args) => (draws++, currentView(...args));
    teams.hold();
    const all = Promise.all(calls.map((c, i) => publisher.publish({ ...c, view: views[i] })));
    await waitFor('8 updates in flight', () => teams.most === 8);
    teams.release();
    await all;
    expect(teams.updates).toHaveLength(20);
    expect(draws).toBe(12);
  });

  it("gives a card message its interaction left one last, read-only update, and leaves the interaction's own message alone", async () => {
    const teams = recordingAdapter();
    const publisher = new CardPublisher({ adapter: teams.adapter, botAppId: '', agents: services.agents, cards: services.cards, logger: services.logger, messageView: 'owner' });
    const { agentId, interactionId } = await onACall(7);
    const owners = JSON.stringify(customerCard(await services.cards.view(agentId, interactionId)));
    expect(owners).toContain(VERBS.unlink); // the owner's card acts: the last update must not
    const view = await services.cards.currentView(interactionId, { kind: 'info', text: 'Transferred to Billing: an agent has it now.' });
    await publisher.publish({ interactionId, agentId, view, retiredMessageId: 'msg-left' });
    expect(teams.updates.map((u) => u.id)).toEqual(['msg-left']);
    expect(teams.updates[0]!.text).toContain('Read-only');
    expect(teams.updates[0]!.text).not.toContain(VERBS.unlink);
    expect(teams.updates[0]!.text).not.toContain(VERBS.refresh);
  });
});
