import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { jobsOfSubject } from '../../src/store/jobsRepository.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { actionOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const signal = new AbortController().signal;

describe.each(STORE_BACKENDS)('the agent loop over HTTP ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  const activitiesOfMaria = () => new EmbeddedConnector(store.db).listActivities({ type: 'contact', id: DEMO.maria.id }, { signal, limit: 100 });

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
    agent = bot.user('agent-1', 'Ana Agent');
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('welcomes an agent on install with the next step', async () => {
    const replies = await agent.install();
    expect(replies).toHaveLength(1);
    const card = replies[0]!.activity.attachments[0].content;
    expect(cardText(card)).toMatch(/Welcome, Ana Agent/);
    expect(cardText(card)).toMatch(/Next step:.*available/);
    expect(cardProblems(card)).toEqual([]);
  });

  it('routes a call only to an Available agent', async () => {
    expect(await agent.sayText('call +12065550142')).toMatch(/only to Available agents.*available/);
    expect(await agent.sayText('unavailable lunch')).toMatch(/Unavailable: Lunch/);
    expect(await agent.sayText('unavailable nap')).toMatch(/not a reason code.*Lunch/);
    expect(await agent.sayText('available')).toMatch(/You are Available/);
  });

  it('runs the whole loop: call, card, hangup, ACW, exactly one activity on the record', async () => {
    const before = (await activitiesOfMaria()).length;
    const { messageId, card } = await agent.sayForCard('call (206) 555-0142');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toMatch(/Inbound call from \*\*\+1 206 555 0142\*\*/);
    expect(text).toMatch(/Current Interaction \(1\)/);
    expect(text).toMatch(/\*\*Contact\*\* · Maria Garcia/);
    expect(text).toMatch(/Related Interactions \(1\)/);
    expect(text).toMatch(/CS-1001 Damaged shipment/);
    const unlink = actionOf(card, 'Unlink', { recordId: DEMO.maria.id });
    const interactionId = unlink.data.interactionId as string;

    // Her latest activity is on the card (Activities section), read when she was linked.
    expect(text).toMatch(/Activities \(1\)[\s\S]*Inbound call \+1 206 555 0142\*\* · Maria Garcia/);

    const details = await agent.clickCard(actionOf(card, 'Details', { recordId: DEMO.maria.id }));
    expect(cardText(details)).toMatch(/maria.garcia@contoso.example/);
    expect(cardText(details)).toMatch(/Activities \(1\)/);

    // Hanging up changes the one card in place: no second card in the chat.
    expect(await agent.hangup()).toMatch(/Complete ACW/);
    await bot.updateOf(messageId, (c) => /State: After Call Work/.test(cardText(c)));
    const ended = await agent.currentCard(interactionId);
    const complete = actionOf(ended, 'Complete ACW');
    const done = await agent.clickCard(complete, { disposition: 'Resolved', notes: 'Replacement cartons shipped' });
    expect(cardText(done)).toMatch(/After Call Work complete.*1 linked record/);

    // A second click (a retry, a double tap) changes nothing and says so.
    const again = await agent.clickCard(complete, { disposition: 'Resolved', notes: 'again' });
    expect(cardText(again)).toMatch(/already complete.*nothing was sent twice/);

    // The card tells when the CRM writes are done, in place.
    const saved = await bot.updateOf(messageId, (c) => /Saved to the CRM \(2 of 2\)/.test(cardText(c)));
    // The message holds no customer data (anyone may see it); its refresh gets the owner the records.
    expect(cardText(saved)).not.toMatch(/Maria/);
    expect(cardText(await agent.refreshed(saved))).toMatch(/Activity · Maria Garcia: Saved/);
    const jobs = await jobsOfSubject(store.db, interactionId);
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done']);
    const after = await activitiesOfMaria();
    expect(after).toHaveLength(before + 1);
    const task = after[0]!;
    expect(task.fields).toMatchObject({ interactionId, phoneNumber: '+12065550142', disposition: 'Resolved', notes: 'Replacement cartons shipped' });
    expect(typeof task.fields.durationSeconds).toBe('number');
    const maria = await new EmbeddedConnector(store.db).get({ type: 'contact', id: DEMO.maria.id }, { signal });
    expect(maria?.fields).toMatchObject({ lastAgent: 'Ana Agent', lastDisposition: 'Resolved' });
    expect(bot.recorded.filter((r) => r.kind === 'send' && r.activity.attachments?.[0]?.content?.body?.[0]?.items?.[0]?.text === 'Customer Card')).toHaveLength(1);

    // The agent is Available again: the next call is routed.
    expect(cardText((await agent.sayForCard('call 206.555.0142')).card)).toMatch(/Inbound call from/);
  });
});
