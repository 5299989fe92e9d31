import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { ACD_SECRET, postAcd, uniqueId } from '../acd/acdClient.js';
import { actionOf, actionsOf, cardText, startBot, TeamsUser, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

const postgres = STORE_BACKENDS.find((b) => b.name === 'postgres')!;

/** Looked for every 100 ms, and left behind after 400 ms: short, so the tests do not wait half a minute. */
const QUICK = { afterMs: 400, everyMs: 100 };

/**
 * A card message left behind (issue 12): the instance that changes a card updates its message; when that update
 * never lands (the instance died, or Teams refused it), an instance sharing the database brings the message up
 * to date; and a change made on another instance while a card's post was on its way updates it once posted.
 */
describe('card messages behind their card, two instances on one PostgreSQL', () => {
  let store: TestStore;
  let a: BotHarness;
  let b: BotHarness;
  let agents = 0;

  const revisions = (interactionId: string) =>
    store.db.selectFrom('interactions').select(['card_revision', 'card_sent_revision', 'card_sending_by']).where('id', '=', interactionId).executeTakeFirstOrThrow();

  /** An Available agent chatting with instance A (its chat's serviceUrl is A's recorder), and the same person behind B. */
  const newAgent = async (): Promise<{ onA: TeamsUser; onB: TeamsUser }> => {
    const onA = a.user(`stale-agent-${++agents}`, 'Sam Stale');
    await onA.install();
    expect(await onA.sayText('available')).toMatch(/You are Available/);
    return { onA, onB: new TeamsUser({ ...b, serviceUrl: a.serviceUrl }, onA.id, onA.name, onA.aadObjectId) };
  };

  /** Takes a call from the household's number (Pat and Chris Doe match, none linked): the card message posted. */
  const call = async (user: TeamsUser): Promise<{ messageId: string; card: any; interactionId: string }> => {
    const posted = (await user.say(`call ${DEMO.household.phone}`)).find((r) => r.activity.attachments?.length)!;
    const card = posted.activity.attachments[0].content;
    return { messageId: posted.id, card, interactionId: actionOf(card, 'Link', { recordId: 'con-pat-doe' }).data.interactionId as string };
  };
  const updatesOf = (messageId: string) => a.recorded.filter((r) => r.kind === 'update' && r.targetId === messageId);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    store = await postgres.open();
    const env = { CARD_MESSAGE_VIEW: 'owner', ACD_EVENTS_SECRET: ACD_SECRET };
    [a, b] = await Promise.all([startBot(store, env, undefined, { staleCards: QUICK }), startBot(store, env, undefined, { staleCards: QUICK })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.dispose();
  });

  it('a card just posted is not sent again: its post records the revision it shows', async () => {
    const { onA } = await newAgent();
    const { messageId, interactionId } = await call(onA);
    await pause(QUICK.afterMs + 5 * QUICK.everyMs);
    expect(updatesOf(messageId)).toHaveLength(0);
    const row = await revisions(interactionId);
    expect(row.card_sent_revision).toBe(row.card_revision);
    await onA.hangup();
  });

  it('a change whose update Teams refused reaches the message once Teams takes updates again, sent once', async () => {
    const { onA, onB } = await newAgent();
    const { messageId, card, interactionId } = await call(onA);
    const refusal = a.refuseUpdates();
    try {
      // Handled by B, which updates the message itself: Teams refuses it (as it would a message of an instance that died).
      expect(cardText(await onB.clickCard(actionOf(card, 'Link', { recordId: 'con-pat-doe' })))).toMatch(/Current Interaction \(1\)/);
      await waitFor('the update refused', () => refusal.refused() === 1);
      const row = await revisions(interactionId);
      expect(Number(row.card_revision)).toBeGreaterThan(Number(row.card_sent_revision));
      expect(updatesOf(messageId)).toHaveLength(0);
    } finally {
      refusal.allow();
    }
    const updated = await a.updateOf(messageId, (c) => /Current Interaction \(1\)/.test(cardText(c)));
    expect(cardText(updated)).toMatch(/Pat Doe/);
    await waitFor('the message at the card revision', async () => {
      const row = await revisions(interactionId);
      return row.card_sent_revision === row.card_revision;
    });
    // Both instances look: the message is sent once, and not again.
    await pause(QUICK.afterMs + 5 * QUICK.everyMs);
    expect(updatesOf(messageId)).toHaveLength(1);
    await onA.hangup();
  });

  it("an instance that died while it held a message's send lease: the message is repaired once the lease runs out", async () => {
    const { onA } = await newAgent();
    const { messageId, interactionId } = await call(onA);
    // What a dead instance leaves: the change committed and announced, its lease held for a while longer, no update sent.
    const leaseEnds = Date.now() + 1_500;
    await store.db
      .updateTable('interactions')
      .set((eb) => ({
        state: 'acw',
        ended_at: new Date().toISOString(),
        card_revision: eb('card_revision', '+', 1),
        card_changed_at: new Date().toISOString(),
        card_sending_by: 'an-instance-that-died:1',
        card_sending_until: new Date(leaseEnds).toISOString(),
      }))
      .where('id', '=', interactionId)
      .execute();
    const completeAcw = (c: any) => actionsOf(c).some((action) => action.title === 'Complete ACW');
    const updated = await a.updateOf(messageId, completeAcw);
    expect(Date.now()).toBeGreaterThanOrEqual(leaseEnds);
    expect(completeAcw(updated)).toBe(true);
    await waitFor('the message at the card revision', async () => {
      const row = await revisions(interactionId);
      return row.card_sent_revision === row.card_revision && row.card_sending_by === null;
    });
    expect(updatesOf(messageId)).toHaveLength(1);
  });
});

/** With the sweep far off, only the post itself can catch a change it missed. */
describe('a change made on another instance while the card was being posted', () => {
  let store: TestStore;
  let a: BotHarness;
  let b: BotHarness;

  beforeAll(async () => {
    store = await postgres.open();
    // The message holds the owner's card, which says who is calling and that it rings.
    const env = { CARD_MESSAGE_VIEW: 'owner', ACD_EVENTS_SECRET: ACD_SECRET, ACD_SIMULATOR: 'off' };
    [a, b] = await Promise.all([startBot(store, env), startBot(store, env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.dispose();
  });

  it('updates the message once it is posted: answered on B while the ringing card was on its way from A', async () => {
    const agent = a.user('race-agent', 'Rae Race');
    await agent.install();
    await agent.sayText('available');
    const who = { aadObjectId: agent.aadObjectId };
    const contactId = uniqueId('race');
    const at = Date.now();
    const before = a.recorded.length;
    const cardPost = () => a.recorded.slice(before).find((r) => r.kind === 'send' && r.activity.attachments?.length);
    const release = a.holdConnector();
    let messageId: string;
    try {
      const offered = {
        id: uniqueId('evt'),
        type: 'contact.offered',
        at: new Date(at).toISOString(),
        agent: who,
        contact: { id: contactId, channel: 'voice', ani: DEMO.maria.mobilePhone, skill: 'Billing' },
      };
      expect((await postAcd(a.url, offered)).status).toBe(200);
      await waitFor('the ringing card on its way', () => !!cardPost());
      const answered = { id: uniqueId('evt'), type: 'contact.answered', at: new Date(at + 2_000).toISOString(), agent: who, contact: { id: contactId } };
      expect((await postAcd(b.url, answered)).body.results).toEqual([{ id: answered.id, outcome: 'applied' }]);
      const interaction = await store.db.selectFrom('interactions').select(['state', 'card_activity_id']).where('acd_contact_id', '=', contactId).executeTakeFirstOrThrow();
      expect(interaction).toEqual({ state: 'active', card_activity_id: null });
      messageId = cardPost()!.id;
      expect(cardText(cardPost()!.activity.attachments[0].content)).toMatch(/ringing/i);
    } finally {
      release();
    }
    const updated = await a.updateOf(messageId, (c) => !/ringing/i.test(cardText(c)));
    expect(cardText(updated)).toMatch(/Maria Garcia/);
    await a.cardsPosted();
    const row = await store.db.selectFrom('interactions').select(['card_revision', 'card_sent_revision']).where('acd_contact_id', '=', contactId).executeTakeFirstOrThrow();
    await waitFor('the message at the card revision', async () => {
      const now = await store.db.selectFrom('interactions').select(['card_revision', 'card_sent_revision']).where('acd_contact_id', '=', contactId).executeTakeFirstOrThrow();
      return now.card_sent_revision === now.card_revision;
    });
    expect(row.card_revision).toBeGreaterThanOrEqual(1);
  });
});
