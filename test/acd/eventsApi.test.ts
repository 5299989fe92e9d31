import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ACD_SECRET, event, FLOW_SECRET, postAcd, uniqueId, newAcdAgent } from './acdClient.js';

describe.each(STORE_BACKENDS)('the contact-center events API on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let n = 0;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_EVENTS_SECRETS: `flow:${FLOW_SECRET}`, ACD_SIMULATOR: 'off' });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  const newAgent = () => newAcdAgent(bot, 'acd-agent', 'ACD Agent');
  /**
   * Cards posted into an agent's chat. These agents only ever type commands answered with text, so every
   * card there was posted outside their turns (a proactive send replies to the continuation's own id).
   */
  /** Cards posted into an agent's chat, once the posts on their way have been answered. */
  const proactiveCards = async (user: TeamsUser) => {
    await bot.cardsPosted();
    return bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length);
  };
  const interactionsOf = (contactId: string) => store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', contactId).orderBy('started_at').execute();
  const agentRow = (user: TeamsUser) => store.db.selectFrom('agents').selectAll().where('id', '=', user.aadObjectId).executeTakeFirstOrThrow();
  const eventCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('acd_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const contactEvents = (user: TeamsUser, contactId: string, base: number) => {
    const agent = { aadObjectId: user.aadObjectId };
    const contact = { id: contactId, channel: 'voice', ani: DEMO.contoso.phone, dnis: '+18005550100', skill: 'Billing' };
    return {
      offered: event('contact.offered', base, 0, { agent, contact }),
      answered: event('contact.answered', base, 2, { agent, contact: { id: contactId } }),
      ended: event('contact.ended', base, 60, { agent, contact: { id: contactId } }),
      acwCompleted: event('contact.acwCompleted', base, 90, { agent, contact: { id: contactId }, disposition: 'Escalated', notes: 'Wants a callback' }),
    };
  };

  it('posts the Customer Card to the agent when a signed contact.offered comes in, and follows the contact to ACW and done', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('contact');
    const e = contactEvents(agent, contactId, Date.now());

    const offered = await postAcd(bot.url, e.offered);
    expect(offered).toEqual({ status: 200, body: { results: [{ id: e.offered.id, outcome: 'applied' }] } });
    const posted = await proactiveCards(agent);
    expect(posted).toHaveLength(1);
    // The message holds the shared view (no customer data); the agent sees theirs through its refresh.
    expect(cardText(await agent.refreshed(posted[0]!.activity.attachments[0].content))).toMatch(/Contoso Pharmaceuticals/);
    const [interaction] = await interactionsOf(contactId);
    // Offered: the call rings at the agent (test/acd/ringing.test.ts follows it to answered).
    expect(interaction).toMatchObject({ agent_id: agent.aadObjectId, state: 'offered', card_activity_id: posted[0]!.id });
    expect((await agentRow(agent)).state).toBe('Working');

    // The card the agent sees changes in place as the ACD reports the call.
    expect((await postAcd(bot.url, { events: [e.answered, e.ended] })).body.results.map((r: any) => r.outcome)).toEqual(['applied', 'applied']);
    expect(cardText(await agent.currentCard(interaction!.id))).toMatch(/Complete ACW/);
    expect((await agentRow(agent)).state).toBe('ACW');
    await bot.updateOf(posted[0]!.id, () => true);

    expect((await postAcd(bot.url, e.acwCompleted)).status).toBe(200);
    const [done] = await interactionsOf(contactId);
    expect(done).toMatchObject({ state: 'completed', disposition: 'Escalated', notes: 'Wants a callback' });
    expect((await agentRow(agent)).state).toBe('Available');
    expect(await proactiveCards(agent)).toHaveLength(1);
  });

  it('completes ACW with the first configured disposition when the ACD gives none, and says so in the notes', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('contact');
    const e = contactEvents(agent, contactId, Date.now());
    const { disposition: _d, notes: _n, ...bare } = e.acwCompleted;
    await postAcd(bot.url, { events: [e.offered, e.ended, bare] });
    const [done] = await interactionsOf(contactId);
    expect(done).toMatchObject({ state: 'completed', disposition: 'Resolved' });
    expect(done!.notes).toMatch(/completed by the contact center \(no disposition given\)/);
  });

  it.each([
    ['no X-Signature', { signature: null }],
    ['a signature made with another secret', { secret: 'not-the-secret-at-all-000' }],
    ['a timestamp six minutes old', { t: Math.floor(Date.now() / 1000) - 360 }],
    ['a timestamp six minutes ahead', { t: Math.floor(Date.now() / 1000) + 360 }],
    ['a malformed header', { signature: 't=abc,v1=zz' }],
    ['a source that is not configured', { source: 'stranger' }],
    ['the flow secret without naming the flow source', { secret: FLOW_SECRET }],
  ])('answers 401 and changes nothing for %s', async (_what, options) => {
    const agent = await newAgent();
    const before = await eventCount();
    const answer = await postAcd(bot.url, contactEvents(agent, uniqueId('contact'), Date.now()).offered, options);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatch(/^unauthorized: /);
    expect(await eventCount()).toBe(before);
    expect(await proactiveCards(agent)).toHaveLength(0);
    expect((await agentRow(agent)).state).toBe('Unavailable');
  });

  it('answers 401 when the body is not the one signed', async () => {
    const agent = await newAgent();
    const offered = contactEvents(agent, uniqueId('contact'), Date.now()).offered;
    const { signAcdBody } = await import('../../src/acd/signature.js');
    const signature = signAcdBody(ACD_SECRET, JSON.stringify({ ...offered, id: 'another' }));
    expect((await postAcd(bot.url, offered, { signature })).status).toBe(401);
    expect(await proactiveCards(agent)).toHaveLength(0);
  });

  it('takes a named source signed with its own secret', async () => {
    const agent = await newAgent();
    const answer = await postAcd(bot.url, contactEvents(agent, uniqueId('contact'), Date.now()).offered, { source: 'flow', secret: FLOW_SECRET });
    expect(answer.status).toBe(200);
    expect(await proactiveCards(agent)).toHaveLength(1);
  });

  it('answers 400 naming the field, and 422 naming an unknown agent, applying nothing of the batch', async () => {
    const agent = await newAgent();
    const e = contactEvents(agent, uniqueId('contact'), Date.now());
    const before = await eventCount();
    const noAni = { ...e.offered, contact: { id: 'c-1' } };
    const bad = await postAcd(bot.url, { events: [e.answered, noAni] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/events\.1\.contact\.ani: Required/);
    expect((await postAcd(bot.url, { ...e.offered, at: 'yesterday' })).body.error).toMatch(/^at: must be an ISO 8601 date-time/);
    expect((await postAcd(bot.url, { ...e.offered, contact: { id: 'c', ani: 'banana' } })).body.error).toMatch(/contact\.ani: is not a phone number/);
    expect((await postAcd(bot.url, { events: [] })).body.error).toMatch(/events: must hold at least one event/);
    const many = await postAcd(bot.url, { events: Array.from({ length: 101 }, () => e.answered) });
    expect([many.status, many.body.error]).toEqual([400, expect.stringMatching(/events: must hold at most 100 events/)]);

    const stranger = await postAcd(bot.url, { events: [e.offered, { ...e.answered, agent: { aadObjectId: 'aad-nobody' } }] });
    expect(stranger).toEqual({ status: 422, body: { error: expect.stringMatching(/^events\.1\.agent\.aadObjectId: no agent known here/) } });
    expect((await postAcd(bot.url, { ...e.offered, agent: { email: 'nobody@example.com' } })).body.error).toMatch(/^agent\.email: no agent known/);
    expect(await eventCount()).toBe(before);
    expect(await proactiveCards(agent)).toHaveLength(0);
  });

  it('finds an agent by the email recorded for them', async () => {
    const agent = await newAgent();
    await store.db
      .updateTable('agents')
      .set({ email: `${agent.id}@example.com` })
      .where('id', '=', agent.aadObjectId)
      .execute();
    const offered = { ...contactEvents(agent, uniqueId('contact'), Date.now()).offered, agent: { email: `${agent.id}@example.com` } };
    expect((await postAcd(bot.url, offered)).status).toBe(200);
    expect(await proactiveCards(agent)).toHaveLength(1);
  });

  it('acts once on an event sent twice', async () => {
    const agent = await newAgent();
    const e = contactEvents(agent, uniqueId('contact'), Date.now());
    expect((await postAcd(bot.url, e.offered)).body.results[0].outcome).toBe('applied');
    expect((await postAcd(bot.url, e.offered)).body.results[0].outcome).toBe('duplicate');
    expect((await postAcd(bot.url, { events: [e.offered, e.offered] })).body.results.map((r: any) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(await proactiveCards(agent)).toHaveLength(1);
  });

  it('moves the agent state as the ACD says, keeping only the latest', async () => {
    const agent = await newAgent();
    const base = Date.now();
    const me = { aadObjectId: agent.aadObjectId };
    const available = event('agent.state', base, 10, { agent: me, state: 'Available' });
    const lunch = event('agent.state', base, 5, { agent: me, state: 'Unavailable', reasonCode: 'lunch' });
    expect((await postAcd(bot.url, available)).body.results[0].outcome).toBe('applied');
    expect((await postAcd(bot.url, lunch)).body.results[0].outcome).toBe('superseded');
    expect(await agentRow(agent)).toMatchObject({ state: 'Available', reason_code: null });
    await postAcd(bot.url, event('agent.state', base, 20, { agent: me, state: 'Unavailable', reasonCode: 'lunch' }));
    expect(await agentRow(agent)).toMatchObject({ state: 'Unavailable', reason_code: 'Lunch' });
  });

  it('ends a transferred contact for the first agent and brings it, with a card, to the second', async () => {
    const first = await newAgent();
    const second = await newAgent();
    const contactId = uniqueId('contact');
    const base = Date.now();
    const e = contactEvents(first, contactId, base);
    await postAcd(bot.url, { events: [e.offered, e.answered] });
    const transferred = event('contact.transferred', base, 30, { agent: { aadObjectId: second.aadObjectId }, contact: { id: contactId } });
    expect((await postAcd(bot.url, transferred)).body.results[0].outcome).toBe('applied');
    const [firstPart, secondPart] = await interactionsOf(contactId);
    expect(firstPart).toMatchObject({ agent_id: first.aadObjectId, state: 'completed' });
    expect(secondPart).toMatchObject({ agent_id: second.aadObjectId, state: 'active' });
    expect(await store.db.selectFrom('jobs').select('id').where('subject', '=', firstPart!.id).execute()).toEqual([]);
    expect((await agentRow(first)).state).toBe('Available');
    expect(await proactiveCards(second)).toHaveLength(1);
    expect(cardText(await first.currentCard(firstPart!.id))).toMatch(/transferred this contact to another agent/);
  });

  it('ends an abandoned contact with nothing written to the CRM', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('contact');
    const e = contactEvents(agent, contactId, Date.now());
    await postAcd(bot.url, e.offered);
    await postAcd(bot.url, event('contact.abandoned', Date.parse(String(e.offered.at)), 5, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId } }));
    const [done] = await interactionsOf(contactId);
    expect(done).toMatchObject({ state: 'completed', disposition: null });
    expect(await store.db.selectFrom('jobs').select('id').where('subject', '=', done!.id).execute()).toEqual([]);
    expect((await agentRow(agent)).state).toBe('Available');
  });

  it('gives the card to an agent who never opened the bot when they first type "card"', async () => {
    const user = bot.user(`acd-quiet-${++n}`, 'Quiet Agent');
    await store.db
      .insertInto('agents')
      .values({ id: user.aadObjectId, name: 'Quiet Agent', state: 'Available', reason_code: null, state_since: new Date().toISOString(), current_interaction_id: null, teams_user_id: null })
      .execute();
    const contactId = uniqueId('contact');
    expect((await postAcd(bot.url, contactEvents(user, contactId, Date.now()).offered)).status).toBe(200);
    expect(await proactiveCards(user)).toHaveLength(0);
    const { card } = await user.sayForCard('card');
    expect(cardText(card)).toMatch(/Contoso Pharmaceuticals/);
  });

  it.each([7, 11, 2026])('converges on the latest truth after a storm of duplicated and reordered events, with one card per contact (shuffle %i)', async (shuffle) => {
    const agent = await newAgent();
    const me = { aadObjectId: agent.aadObjectId };
    const base = Date.now();
    const first = uniqueId('contact');
    const second = uniqueId('contact');
    const a = contactEvents(agent, first, base);
    const b = contactEvents(agent, second, base + 120_000);
    const events = [
      event('agent.state', base, -5, { agent: me, state: 'Available' }),
      ...Object.values(a),
      event('agent.state', base, 100, { agent: me, state: 'Available' }),
      ...Object.values(b),
      event('agent.state', base, 300, { agent: me, state: 'Unavailable', reasonCode: 'Break' }),
    ];
    // Each event 1 to 3 times, shuffled, sent in small batches.
    let seed = shuffle;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const storm = events.flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => e));
    for (let i = storm.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [storm[i], storm[j]] = [storm[j]!, storm[i]!];
    }
    for (let i = 0; i < storm.length; i += 3) expect((await postAcd(bot.url, { events: storm.slice(i, i + 3) })).status).toBe(200);

    for (const contactId of [first, second]) {
      const handled = await interactionsOf(contactId);
      expect(handled).toHaveLength(1);
      expect(handled[0]).toMatchObject({ state: 'completed', disposition: 'Escalated' });
    }
    expect(await proactiveCards(agent)).toHaveLength(2);
    expect(await agentRow(agent)).toMatchObject({ state: 'Unavailable', reason_code: 'Break', current_interaction_id: null });
  });
});
