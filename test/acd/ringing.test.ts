import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { VERBS } from '../../src/cards/verbs.js';
import { actionOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ACD_SECRET, event, postAcd, uniqueId, newAcdAgent } from './acdClient.js';

/** The card while it rings: posted when the contact is offered, made active in place when it is answered. */
describe.each(STORE_BACKENDS)('the card while the call rings on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_SIMULATOR: 'off' });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  const newAgent = () => newAcdAgent(bot, 'ringing-agent', 'Ringing Agent');
  /** Cards posted into an agent's chat, once the posts on their way have been answered. */
  const proactiveCards = async (user: TeamsUser) => {
    await bot.cardsPosted();
    return bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length);
  };
  const interactionsOf = (contactId: string) => store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', contactId).execute();
  const agentRow = (user: TeamsUser) => store.db.selectFrom('agents').selectAll().where('id', '=', user.aadObjectId).executeTakeFirstOrThrow();
  const jobsOf = (interactionId: string) => store.db.selectFrom('jobs').select('id').where('subject', '=', interactionId).execute();
  /** Maria Garcia calls: the data dip links her contact record. */
  const mariaCalls = (user: TeamsUser, contactId: string) => {
    const agent = { aadObjectId: user.aadObjectId };
    const base = Date.now();
    return {
      offered: event('contact.offered', base, 0, { agent, contact: { id: contactId, channel: 'voice', ani: DEMO.maria.mobilePhone, skill: 'Billing' } }),
      answered: event('contact.answered', base, 4, { agent, contact: { id: contactId } }),
      abandoned: event('contact.abandoned', base, 6, { agent, contact: { id: contactId } }),
    };
  };

  it('posts the card on offer, ringing, with the caller and their records; no hangup or ACW; answered updates the same message to active', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('ring');
    const e = mariaCalls(agent, contactId);

    expect((await postAcd(bot.url, e.offered)).body.results).toEqual([{ id: e.offered.id, outcome: 'applied' }]);
    const posted = await proactiveCards(agent);
    expect(posted).toHaveLength(1);
    const [ringing] = await interactionsOf(contactId);
    expect(ringing).toMatchObject({ state: 'offered', card_activity_id: posted[0]!.id });
    expect(await agentRow(agent)).toMatchObject({ state: 'Working', current_interaction_id: ringing!.id });
    // The shared message says it rings; the agent's own view says who is calling, with the dip's records.
    expect(cardText(posted[0]!.activity.attachments[0].content)).toMatch(/Ringing/);
    const ownCard = await agent.refreshed(posted[0]!.activity.attachments[0].content);
    const own = cardText(ownCard);
    expect(own).toMatch(/Incoming call from \*\*Maria Garcia\*\* · \+1 206.555.0142 · ringing/);
    expect(own).toMatch(/Current Interaction \(1\)/);
    expect(own).not.toMatch(/Complete ACW/);
    // A supervisor sees it ringing too.
    expect(cardText(await bot.user('boss', 'Sam Supervisor', 'aad-supervisor').sayCard('status'))).toMatch(new RegExp(`\\*\\*${agent.name}\\*\\*: Working[^]*?voice \\+1 206 555 0142 \\(ringing\\)`));

    // Preparing is allowed while it rings (Details of the linked record); ending it is not, by chat or by a forged click.
    expect(cardText(await agent.clickCard(actionOf(ownCard, 'Details', { recordId: DEMO.maria.id })))).toMatch(/Procurement lead/);
    expect(await agent.hangup()).toMatch(/still ringing/);
    await agent.click({ verb: VERBS.completeAcw, data: { interactionId: ringing!.id } }, { disposition: 'Resolved', notes: 'x' });
    expect((await interactionsOf(contactId))[0]).toMatchObject({ state: 'offered', ended_at: null });
    expect(await jobsOf(ringing!.id)).toEqual([]);

    expect((await postAcd(bot.url, e.answered)).body.results).toEqual([{ id: e.answered.id, outcome: 'applied' }]);
    expect((await interactionsOf(contactId))[0]).toMatchObject({ state: 'active' });
    const updated = await bot.updateOf(posted[0]!.id, (card) => /On call/.test(cardText(card)));
    expect(cardText(await agent.refreshed(updated))).toMatch(/Inbound call from/);
    expect(await proactiveCards(agent)).toHaveLength(1);
    expect(await agent.hangup()).not.toMatch(/ringing/);
    expect((await interactionsOf(contactId))[0]).toMatchObject({ state: 'acw' });
  });

  it('ends active with one card when answered comes before offered, and when every event comes twice', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('ring');
    const e = mariaCalls(agent, contactId);
    expect((await postAcd(bot.url, e.answered)).status).toBe(200);
    expect(await interactionsOf(contactId)).toEqual([]); // no number yet: the offer brings it
    expect((await postAcd(bot.url, { events: [e.offered, e.answered, e.offered] })).body.results.map((r: any) => r.outcome)).toEqual(['applied', 'duplicate', 'duplicate']);
    expect((await postAcd(bot.url, e.offered)).body.results[0].outcome).toBe('duplicate');
    const handled = await interactionsOf(contactId);
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({ state: 'active' });
    expect(await proactiveCards(agent)).toHaveLength(1);
    expect(cardText(await agent.currentCard(handled[0]!.id))).toMatch(/On call/);
  });

  it('ends a contact abandoned while ringing with nothing written to the CRM, the agent Available again', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('ring');
    const e = mariaCalls(agent, contactId);
    await postAcd(bot.url, e.offered);
    expect((await interactionsOf(contactId))[0]).toMatchObject({ state: 'offered' });
    expect((await postAcd(bot.url, e.abandoned)).body.results[0].outcome).toBe('applied');
    const [done] = await interactionsOf(contactId);
    expect(done).toMatchObject({ state: 'completed', disposition: null });
    expect(await jobsOf(done!.id)).toEqual([]);
    expect(await agentRow(agent)).toMatchObject({ state: 'Available', current_interaction_id: null });
    // A late answer for it changes nothing.
    expect((await postAcd(bot.url, e.answered)).body.results[0].outcome).toBe('superseded');
    expect((await interactionsOf(contactId))[0]).toMatchObject({ state: 'completed' });
    expect(await proactiveCards(agent)).toHaveLength(1);
  });
});
