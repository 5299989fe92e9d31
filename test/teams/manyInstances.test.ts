import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AGENT_HEADER } from '../../src/auth/tabIdentity.js';
import { customerCardMessage } from '../../src/cards/customerCard.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardChangedChannel } from '../../src/interactions/cardChangeBus.js';
import { listenerName } from '../../src/store/pgNotifications.js';
import { actionOf, cardText, startBot, TeamsUser, type BotHarness } from '../support/botHarness.js';
import { openEvents } from '../support/eventStream.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

const postgres = STORE_BACKENDS.find((b) => b.name === 'postgres')!;

/** Many instances, one truth (issue 12): two products started on one PostgreSQL schema. */
describe('two instances on one PostgreSQL', () => {
  let store: TestStore;
  let a: BotHarness;
  let b: BotHarness;
  let agents = 0;

  /** An Available agent chatting with instance A, and the same person's clicks sent to instance B. */
  const newAgent = async (): Promise<{ onA: TeamsUser; onB: TeamsUser }> => {
    const onA = a.user(`agent-${++agents}`, 'Ana Agent');
    await onA.install();
    expect(await onA.sayText('available')).toMatch(/You are Available/);
    // Same person, same chat (Teams' serviceUrl is A's recorder): only the instance behind the load balancer differs.
    const onB = new TeamsUser({ ...b, serviceUrl: a.serviceUrl }, onA.id, onA.name, onA.aadObjectId);
    return { onA, onB };
  };

  /** Takes a call from the household's number (Pat and Chris Doe match, none linked): the card message posted. */
  const call = async (user: TeamsUser): Promise<{ messageId: string; card: any; interactionId: string }> => {
    const posted = (await user.say(`call ${DEMO.household.phone}`)).find((r) => r.activity.attachments?.length)!;
    const card = posted.activity.attachments[0].content;
    return { messageId: posted.id, card, interactionId: actionOf(card, 'Link', { recordId: 'con-pat-doe' }).data.interactionId as string };
  };

  beforeAll(async () => {
    store = await postgres.open();
    // The message holds the owner's card, which shows the records: an older one reads differently.
    [a, b] = await Promise.all([startBot(store, { CARD_MESSAGE_VIEW: 'owner' }), startBot(store, { CARD_MESSAGE_VIEW: 'owner' })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.dispose();
  });

  it('a click on one instance updates the tab open on the other', async () => {
    const { onA } = await newAgent();
    const { card } = await call(onA);
    const tab = await openEvents(`${b.url}/api/tab/events`, { [LOCAL_AGENT_HEADER]: onA.aadObjectId });
    try {
      await waitFor('the current card on B', () => tab.events.length >= 1);
      expect(cardText(tab.events[0].card)).toMatch(/Current Interaction \(0\)/);
      const linked = await onA.clickCard(actionOf(card, 'Link', { recordId: 'con-pat-doe' }));
      expect(cardText(linked)).toMatch(/Current Interaction \(1\)/);
      await waitFor('the linked card on B', () => tab.events.some((e) => /Current Interaction \(1\)/.test(cardText(e.card))));
    } finally {
      await tab.close();
      await onA.hangup();
    }
  });

  it("a click's card update is sent once, by the instance that handled it: the other only brings its tabs up to date", async () => {
    const { onA, onB } = await newAgent();
    const { messageId, card, interactionId } = await call(onA);
    const tab = await openEvents(`${a.url}/api/tab/events`, { [LOCAL_AGENT_HEADER]: onA.aadObjectId });
    try {
      await waitFor('the current card on A', () => tab.events.length >= 1);
      for (const recordId of ['con-pat-doe', 'con-chris-doe']) await onB.clickCard(actionOf(card, 'Link', { recordId }));
      await waitFor('the tab on A shows both links', () => tab.events.some((e) => /Current Interaction \(2\)/.test(cardText(e.card))));
      const row = () => store.db.selectFrom('interactions').select(['card_revision', 'card_sent_revision']).where('id', '=', interactionId).executeTakeFirstOrThrow();
      await waitFor('the last revision sent', async () => {
        const { card_revision, card_sent_revision } = await row();
        return Number(card_revision) >= 2 && card_sent_revision === card_revision;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      // At most one update per click (two clicks may make one): A, which heard of both, adds none of its own.
      const updates = a.recorded.filter((r) => r.kind === 'update' && r.targetId === messageId);
      expect(updates.length).toBeGreaterThanOrEqual(1);
      expect(updates.length).toBeLessThanOrEqual(2);
      expect(cardText(updates.at(-1)!.activity.attachments[0].content)).toMatch(/Current Interaction \(2\)/);
    } finally {
      await tab.close();
      await onA.hangup();
    }
  });

  it('a burst of clicks across both never leaves an older card in the chat', async () => {
    const { onA, onB } = await newAgent();
    const { messageId, card, interactionId } = await call(onA);
    // Each instance toggles its own record: the changes interleave, and each draws what both did so far.
    const withPat = await onA.clickCard(actionOf(card, 'Link', { recordId: 'con-pat-doe' }));
    const withBoth = await onB.clickCard(actionOf(withPat, 'Link', { recordId: 'con-chris-doe' }));
    const toggles = (user: TeamsUser, recordId: string) => [actionOf(withBoth, 'Unlink', { recordId }), actionOf(card, 'Link', { recordId })].map((action) => () => user.click(action));
    const burst = async (user: TeamsUser, recordId: string) => {
      const [unlink, link] = toggles(user, recordId);
      for (let i = 0; i < 8; i++) await (i % 2 ? link! : unlink!)();
      await unlink!();
    };
    await Promise.all([burst(onA, 'con-pat-doe'), burst(onB, 'con-chris-doe')]);

    const updates = () => a.recorded.filter((r) => r.kind === 'update' && r.targetId === messageId);
    // Settled: no update for a while, and the last card sent was drawn at the card's last revision.
    let seen = -1;
    await waitFor('the updates to settle', async () => {
      const now = updates().length;
      const settled = now === seen;
      seen = now;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return settled && now > 0;
    });
    const row = await store.db.selectFrom('interactions').select(['card_revision', 'card_sent_revision', 'card_sending_by']).where('id', '=', interactionId).executeTakeFirstOrThrow();
    expect(row.card_revision).toBeGreaterThanOrEqual(2 * 9);
    expect(row.card_sent_revision).toBe(row.card_revision);
    expect(row.card_sending_by).toBeNull();

    const last = updates().at(-1)!.activity.attachments[0].content;
    const newest = customerCardMessage(await a.product.services.cards.currentView(interactionId), 'owner');
    expect(cardText(newest)).toMatch(/Current Interaction \(0\)/);
    expect(cardText(last)).toBe(cardText(newest));
    await onA.hangup();
  });

  it('after its listening connection is lost, an instance reconnects and treats every open card as changed', async () => {
    const { onA } = await newAgent();
    const { card, interactionId } = await call(onA);
    const tab = await openEvents(`${b.url}/api/tab/events`, { [LOCAL_AGENT_HEADER]: onA.aadObjectId });
    try {
      await waitFor('the current card on B', () => tab.events.length >= 1);
      // The call's last changes may still reach B's tab after it opened: counted from once they have.
      const before = await quietCount(tab.events);
      const name = listenerName(cardChangedChannel(store.schema));
      const { rows } = await sql<{ ended: boolean }>`select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = ${name}`.execute(store.db);
      expect(rows.filter((r) => r.ended)).toHaveLength(2);
      // Nothing changed, but a change may have gone unheard while disconnected: B sends the card again.
      await waitFor('the card again on B', () => tab.events.length > before);
      expect(tab.events[before].interactionId).toBe(interactionId);
      await waitFor('both listening again', async () => {
        const again = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${name}`.execute(store.db);
        return again.rows[0]!.n === 2;
      });
      // And hears changes again.
      await onA.clickCard(actionOf(card, 'Link', { recordId: 'con-pat-doe' }));
      await waitFor('the linked card on B', () => tab.events.some((e) => /Current Interaction \(1\)/.test(cardText(e.card))));
    } finally {
      await tab.close();
      await onA.hangup();
    }
  });
});

/** How many events a stream has once none came for 300 ms. */
async function quietCount(events: unknown[]): Promise<number> {
  let seen = -1;
  while (events.length !== seen) {
    seen = events.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return seen;
}
