import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { VERBS } from '../../src/cards/verbs.js';
import { actionsOf, cardText, startBot, type BotHarness, type Recorded } from '../support/botHarness.js';
import { SQLITE_STORE, STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

/** The cards the bot posted by itself (outside a reply) into this user's chat since `from`. */
const postedCards = (bot: BotHarness, userId: string, from: number): any[] =>
  bot.recorded
    .slice(from)
    .filter((r: Recorded) => r.kind === 'send' && r.conversationId === `a:personal-${userId}` && r.activity.attachments?.length)
    .map((r) => r.activity.attachments[0].content);

const textsTo = (bot: BotHarness, userId: string, from: number): string[] =>
  bot.recorded
    .slice(from)
    .filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${userId}` && typeof r.activity.text === 'string')
    .map((r) => r.activity.text as string);

// `chat <first> <last> <text>` plays a web chat platform against the app: over HTTP, through the channel API.
describe.each(STORE_BACKENDS)('the chat simulator ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  // Issuing hashes a secret (scrypt, 16 MB) and registering calls the API (the process's first fetch): a start that
  // did both took about 250 ms longer and held 60 MB more (BENCHMARKS.md, cold start and memory).
  it('issues nothing and registers nothing at start: the first chat does', async () => {
    expect(await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirst()).toBeUndefined();
    expect(await store.db.selectFrom('digital_channels').selectAll().where('id', '=', 'simulator-web-chat').executeTakeFirst()).toBeUndefined();
  });

  it('sends the message through the channel API as peter.solo@<demo domain>, opens a thread, and the card reaches the Available agent', async () => {
    const agent = bot.user('sim-ana', 'Ana Agent');
    await agent.sayText('available');
    const from = bot.recorded.length;
    const answer = await agent.sayText('chat Peter Solo Hello, can you help me, please?');
    expect(answer).toMatch(/^Peter Solo \(peter\.solo@tailwind\.example\) wrote on the simulated web chat; the contact center took the message\. Its card is yours\./);

    const stored = await store.db.selectFrom('digital_messages').selectAll().where('channel_id', '=', 'simulator-web-chat').execute();
    expect(stored.map((m) => [m.direction, m.text])).toEqual([['inbound', 'Hello, can you help me, please?']]);
    const thread = await store.db.selectFrom('digital_threads').selectAll().where('id', '=', stored[0]!.thread_id).executeTakeFirstOrThrow();
    expect(JSON.parse(thread.author)).toMatchObject({ idOnExternalPlatform: DEMO.peter.email, firstName: 'Peter', lastName: 'Solo' });

    await waitFor('the chat card', () => postedCards(bot, 'sim-ana', from).length > 0);
    // The message holds the shared view; Ana sees her own through its refresh, as Teams shows it to her.
    const card = cardText(await agent.refreshed(postedCards(bot, 'sim-ana', from)[0]));
    expect(card).toMatch(/Hello, can you help me, please\?/);
    expect(card).toMatch(/Peter Solo/);
    expect(card).toMatch(/CS-2001/); // found by his email in the CRM: his open case is on the card
  });

  it('was issued its integration at the first chat, with its box on the app, and registered its channel through the API', async () => {
    const integration = await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirstOrThrow();
    expect(integration.box_url).toBe(`${bot.url}/api/simulator/box`);
    expect(integration).toMatchObject({ outbound_client_id: 'simulator', outbound_secret_env: 'SIMULATOR_BOX_SECRET' });
    const channel = await store.db.selectFrom('digital_channels').selectAll().where('id', '=', 'simulator-web-chat').executeTakeFirstOrThrow();
    expect(channel).toMatchObject({ integration_id: 'simulator', kind: 'chat' });
  });

  it('opens the personal tab on the conversation when the agent has no call', async () => {
    const tab = await fetch(`${bot.url}/api/tab/card`, { headers: { 'X-Local-Agent-Id': 'aad-sim-ana' } });
    const body = (await tab.json()) as { view: string; interactionId: string | null; card: unknown };
    const thread = await store.db.selectFrom('digital_threads').select('interaction_id').executeTakeFirstOrThrow();
    expect(body.view).toBe('card');
    expect(body.interactionId).toBe(thread.interaction_id);
    expect(cardText(body.card)).toMatch(/Chat on Simulator web chat with/);
  });

  it('writes in the same thread while it is open', async () => {
    const agent = bot.user('sim-ana', 'Ana Agent');
    await agent.sayText('chat Peter Solo Are you there?');
    const threads = await store.db.selectFrom('digital_messages').select('thread_id').where('channel_id', '=', 'simulator-web-chat').distinct().execute();
    expect(threads).toHaveLength(1);
  });

  it("tells the agent what Peter's chat received when their reply reaches its box, once", async () => {
    const agent = bot.user('sim-ana', 'Ana Agent');
    const thread = await store.db.selectFrom('digital_threads').select('interaction_id').where('channel_id', '=', 'simulator-web-chat').executeTakeFirstOrThrow();
    const card = await agent.currentCard(thread.interaction_id);
    const send = actionsOf(card).find((a) => a.verb === VERBS.reply)!;
    const from = bot.recorded.length;
    expect((await agent.click(send, { replyText: 'Happy to help, Peter.' })).status).toBe(200);
    expect((await agent.click(send, { replyText: 'Happy to help, Peter.' })).status).toBe(200); // a double click: one message
    const told = () => textsTo(bot, 'sim-ana', from).filter((t) => t === "Peter Solo's chat received: Happy to help, Peter.");
    await waitFor('the reply told to the agent', () => told().length > 0);
    await waitFor('the reply delivered', async () => /Happy to help, Peter\.\nDelivered/.test(cardText(await agent.currentCard(thread.interaction_id))));
    expect(told()).toHaveLength(1);
  });

  it('refuses what it cannot send, saying how to write it', async () => {
    const agent = bot.user('sim-bo', 'Bo Agent');
    expect(await agent.sayText('chat Peter')).toMatch(/Say who writes and what, for example "chat Peter Solo Hello/);
    expect(await agent.sayText('chat Peter Solo')).toMatch(/Say who writes and what/);
    expect(await agent.sayText('chat 1234 Solo Hello')).toMatch(/Say who writes and what/);
  });

  it('takes deliveries at its box from the app only: no credentials or wrong ones are 401, and nothing is told', async () => {
    const from = bot.recorded.length;
    const body = JSON.stringify({ idOnExternalPlatform: 'x-1', thread: { idOnExternalPlatform: 't' }, messageContent: { type: 'TEXT', payload: { text: 'forged' } }, direction: 'outbound' });
    const post = (authorization?: string) =>
      fetch(`${bot.url}/api/simulator/box`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
    const anonymous = await post();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await post(`Basic ${Buffer.from('simulator:guess').toString('base64')}`)).status).toBe(401);
    expect((await post(`Basic ${Buffer.from('someone:guess').toString('base64')}`)).status).toBe(401);
    expect(textsTo(bot, 'sim-ana', from).filter((t) => t.includes('forged'))).toEqual([]);
  });

  // Replies to earlier threads must still reach the box after a restart, before anyone types `chat` again.
  it('after a restart, has its box moved to the new address at start, its secret not rotated until the next chat', async () => {
    const before = await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirstOrThrow();
    await bot.stop();
    bot = await startBot(store);
    const after = await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirstOrThrow();
    expect(after.box_url).toBe(`${bot.url}/api/simulator/box`);
    expect(after.box_url).not.toBe(before.box_url);
    expect(after.client_secret_hash).toBe(before.client_secret_hash);

    expect(await bot.user('sim-ana', 'Ana Agent').sayText('chat Peter Solo Back again')).toMatch(/^Peter Solo \(peter\.solo@tailwind\.example\) wrote on the simulated web chat/);
    const rotated = await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirstOrThrow();
    expect(rotated.client_secret_hash).not.toBe(before.client_secret_hash);
  });
});

describe('the chat simulator, off', () => {
  let store: TestStore;
  let bot: BotHarness;
  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    bot = await startBot(store, { ACD_SIMULATOR: 'off' });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('is not offered, issues no integration and has no box', async () => {
    const help = cardText(await bot.user('off-ana').sayCard('help'));
    expect(help).not.toContain('chat <first name>');
    expect(await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'simulator').executeTakeFirst()).toBeUndefined();
    const box = await fetch(`${bot.url}/api/simulator/box`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(box.status).toBe(404);
  });
});
