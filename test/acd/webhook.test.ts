import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAcdBody } from '../../src/acd/signature.js';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { ACD_SECRET, event, postAcd, uniqueId } from './acdClient.js';
import { startWebhookReceiver } from './webhookReceiver.js';

const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

describe.each(STORE_BACKENDS)('the generic ACD webhook on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let n = 0;

  beforeAll(async () => {
    store = await backend.open();
    receiver = await startWebhookReceiver(WEBHOOK_SECRET);
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_WEBHOOK_URL: receiver.url, ACD_WEBHOOK_SECRET: WEBHOOK_SECRET, ACD_SIMULATOR: 'off' });
  });
  afterAll(async () => {
    await bot.stop();
    await receiver.close();
    await store.dispose();
  });

  /** An agent who has talked to the bot, Unavailable (Lunch); that first change of theirs is delivered before the test goes on. */
  const newAgent = async (): Promise<TeamsUser> => {
    const user = bot.user(`hook-agent-${++n}`, `Hook Agent ${n}`);
    await user.sayText('unavailable Lunch');
    await waitFor('the first state change delivered', () => hooksOf(user).length === 1);
    return user;
  };
  const hooksOf = (user: TeamsUser) => receiver.received.filter((r) => r.body.agent?.aadObjectId === user.aadObjectId);
  const rowsOf = async (user: TeamsUser) =>
    (await store.db.selectFrom('acd_webhook_deliveries').selectAll().orderBy('created_at').execute()).filter((row) => JSON.parse(row.body).agent.aadObjectId === user.aadObjectId);

  it('sends a state set in Teams to the webhook once, signed, with its event id as Idempotency-Key', async () => {
    const agent = await newAgent();
    await agent.sayText('available');
    await waitFor('the delivery', async () => (await rowsOf(agent))[1]?.status === 'delivered');

    const hooks = hooksOf(agent);
    expect(hooks).toHaveLength(2);
    expect(hooks[0]!.body).toMatchObject({ type: 'agent.state', state: 'Unavailable', reasonCode: 'Lunch', source: 'teams' });
    expect(hooks[1]).toMatchObject({ signatureValid: true, answered: 200, body: { type: 'agent.state', agent: { aadObjectId: agent.aadObjectId }, state: 'Available', reasonCode: null } });
    expect(hooks[1]!.idempotencyKey).toBe(hooks[1]!.body.id);
    expect(Date.parse(hooks[1]!.body.at)).not.toBeNaN();
    expect((await rowsOf(agent))[1]).toMatchObject({ id: hooks[1]!.body.id, status: 'delivered', attempts: 1, last_status_code: 200 });
  });

  it('retries a receiver answering 503 (Retry-After honoured) and delivers once, with the same id, on the third attempt', async () => {
    const agent = await newAgent();
    receiver.failNext.push(503, 503);
    await agent.sayText('available');
    await waitFor('the delivery after two 503s', async () => (await rowsOf(agent))[1]?.status === 'delivered');

    const tries = hooksOf(agent).slice(1);
    expect(tries.map((t) => t.answered)).toEqual([503, 503, 200]);
    expect(new Set(tries.map((t) => t.idempotencyKey)).size).toBe(1);
    expect(new Set(tries.map((t) => t.body.id)).size).toBe(1);
    expect(tries.every((t) => t.signatureValid)).toBe(true);
    expect((await rowsOf(agent))[1]).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
  });

  it('never sends back a state the ACD set, and the agent then setting theirs within the same second wins and is sent once', async () => {
    const agent = await newAgent();
    const fromAcd = event('agent.state', Date.now(), 0, { agent: { aadObjectId: agent.aadObjectId }, state: 'Available' });
    expect(await postAcd(bot.url, fromAcd)).toMatchObject({ status: 200 });
    const agentRow = () => store.db.selectFrom('agents').select(['state', 'reason_code']).where('id', '=', agent.aadObjectId).executeTakeFirstOrThrow();
    expect(await agentRow()).toMatchObject({ state: 'Available' });
    // The ACD's change is applied and nothing was queued for it: nothing to send back.
    expect(await rowsOf(agent)).toHaveLength(1);

    await agent.sayText('unavailable Lunch');
    await waitFor("the agent's own change delivered", async () => (await rowsOf(agent))[1]?.status === 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for any echo, of which there must be none
    expect(hooksOf(agent).map((h) => h.body.state)).toEqual(['Unavailable', 'Unavailable']);
    expect(await agentRow()).toMatchObject({ state: 'Unavailable', reason_code: 'Lunch' });
  });

  /** A contact from the ACD taken to ACW: offered, answered, ended; returns its interaction's id. */
  const contactInAcw = async (agent: TeamsUser, contactId: string): Promise<string> => {
    const base = Date.now();
    const ref = { agent: { aadObjectId: agent.aadObjectId } };
    expect((await postAcd(bot.url, event('contact.offered', base, 0, { ...ref, contact: { id: contactId, channel: 'voice', ani: DEMO.contoso.phone } }))).status).toBe(200);
    expect((await postAcd(bot.url, event('contact.answered', base, 1, { ...ref, contact: { id: contactId } }))).status).toBe(200);
    expect((await postAcd(bot.url, event('contact.ended', base, 2, { ...ref, contact: { id: contactId } }))).status).toBe(200);
    const interaction = await store.db.selectFrom('interactions').select(['id', 'state']).where('acd_contact_id', '=', contactId).executeTakeFirstOrThrow();
    expect(interaction.state).toBe('acw');
    return interaction.id;
  };
  const phaseOf = async (contactId: string) => (await store.db.selectFrom('acd_contacts').select('phase').where('contact_id', '=', contactId).executeTakeFirstOrThrow()).phase;

  it('sends ACW completed in Teams as contact.acwCompleted once; the ACD then completing it too sends nothing back', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('contact');
    const interactionId = await contactInAcw(agent, contactId);
    await agent.click({ verb: VERBS.completeAcw, data: { interactionId } }, { disposition: 'Resolved', notes: 'Sorted' });
    await waitFor('the ACW delivery', async () => (await rowsOf(agent))[1]?.status === 'delivered');
    expect(hooksOf(agent)[1]).toMatchObject({
      signatureValid: true,
      body: { type: 'contact.acwCompleted', agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId }, disposition: 'Resolved', notes: 'Sorted', source: 'teams' },
    });
    expect(await phaseOf(contactId)).toBe('acwCompleted');

    const acdSaysDone = event('contact.acwCompleted', Date.now(), 5, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId }, disposition: 'Resolved' });
    expect((await postAcd(bot.url, acdSaysDone)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rowsOf(agent)).toHaveLength(2);
    expect(hooksOf(agent)).toHaveLength(2);
  });

  it('does not send back an ACW the ACD completed', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('contact');
    const interactionId = await contactInAcw(agent, contactId);
    const acdSaysDone = event('contact.acwCompleted', Date.now(), 5, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId }, disposition: 'Resolved' });
    expect((await postAcd(bot.url, acdSaysDone)).status).toBe(200);
    expect((await store.db.selectFrom('interactions').select('state').where('id', '=', interactionId).executeTakeFirstOrThrow()).state).toBe('completed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rowsOf(agent)).toHaveLength(1);
    expect(hooksOf(agent)).toHaveLength(1);
  });

  it('shows the latest deliveries to a signed GET only', async () => {
    const url = `${bot.url}/api/acd/webhook/deliveries`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-signature': signAcdBody('not-the-webhook-secret-xyz', '') } })).status).toBe(401);
    const signed = await fetch(url, { headers: { 'x-signature': signAcdBody(WEBHOOK_SECRET, '') } });
    expect(signed.status).toBe(200);
    const { deliveries } = (await signed.json()) as { deliveries: any[] };
    const total = Number(
      (
        await store.db
          .selectFrom('acd_webhook_deliveries')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(deliveries).toHaveLength(total);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect(new Set(deliveries.map((d) => d.type))).toEqual(new Set(['agent.state', 'contact.acwCompleted']));
    expect(deliveries.some((d) => d.attempts === 3)).toBe(true);
    expect(JSON.stringify(deliveries)).not.toContain(WEBHOOK_SECRET);
  });
});
