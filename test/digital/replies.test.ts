import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOT_YOURS } from '../../src/interactions/ownership.js';
import { replyDelivery } from '../../src/store/repliesRepository.js';
import { cardText, startBot, type BotHarness } from '../support/botHarness.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { repliesOf, seedIntegration, seedThread, type IntegrationFixture } from './fixtures.js';
import { startIntegrationBox, type IntegrationBox } from './integrationBox.js';

const SECRET_ENV = 'DIGITAL_TEST_BOX_SECRET';
const CLIENT = { clientId: 'cxone-app', clientSecret: 's3cret-for-the-box' };
process.env[SECRET_ENV] = CLIENT.clientSecret;

/** Short retry waits, so a test sees many retries (timing is not what these tests measure). */
const FAST = { baseDelayMs: 5, maxDelayMs: 50, pollMs: 20 };
const replyIdFor = (interactionId: string) => `${interactionId}-${randomUUID().slice(0, 8)}`;
const oauth = (box: IntegrationBox): IntegrationFixture => ({ boxUrl: box.boxUrl, authorizationUrl: box.tokenUrl, outboundClientId: CLIENT.clientId, outboundSecretEnv: SECRET_ENV });

describe.each(STORE_BACKENDS)('agents reply to digital conversations from Teams ($name)', (backend) => {
  let store: TestStore;
  let box: IntegrationBox;
  const stops: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    store = await backend.open();
    box = await startIntegrationBox({ ...CLIENT, tokenDelayMs: 100 });
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await box.close();
    await store.dispose();
  });

  async function bot(): Promise<BotHarness> {
    const harness = await startBot(store);
    stops.push(() => harness.stop());
    return harness;
  }

  async function services(options: Parameters<typeof buildServices>[1] = {}) {
    const built = await buildServices(store, { replies: { delivery: FAST, ...options.replies } });
    stops.push(() => built.replyDelivery.stop());
    await built.agents.identify('a1', 'Ana Agent');
    await built.agents.identify('b1', 'Bo Other');
    return built;
  }

  it('sends the reply to the integration box once, in the seed format, with a bearer token, and the card says Sent', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    await ana.say('available');
    const thread = await seedThread(store.db, { agentId: ana.aadObjectId, integration: oauth(box) });
    const replyId = replyIdFor(thread.interactionId);

    const card = await ana.clickCard({ verb: 'digital.reply', data: { interactionId: thread.interactionId, replyId, replyText: '  Your order ships today.  ' } });
    expect(cardText(card)).toContain('Your reply is on its way.');

    await waitFor('the box to receive the reply', () => box.accepted.length === 1);
    const [stored] = await repliesOf(store.db, thread.threadId);
    const [post] = box.accepted;
    expect(post!.idempotencyKey).toBe(stored!.id);
    expect(post!.authorization).toMatch(/^Bearer [0-9a-f-]{36}$/);
    expect(post!.body).toEqual({
      channel: { id: thread.channelId, idOnExternalPlatform: thread.channelIdOnExternalPlatform, channelIntegrationId: thread.integrationId },
      idOnExternalPlatform: replyId,
      thread: { idOnExternalPlatform: thread.threadIdOnExternalPlatform },
      messageContent: { type: 'TEXT', payload: { text: 'Your order ships today.' } },
      createdAtWithMilliseconds: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      direction: 'outbound',
      authorUser: { id: ana.aadObjectId, name: 'Ana Agent' },
    });
    expect(stored).toMatchObject({ direction: 'outbound', author_name: 'Ana Agent', agent_id: ana.aadObjectId, text: 'Your order ships today.' });
    await waitFor('the card to say Sent', async () => cardText(await ana.currentCard(thread.interactionId)).includes('Your reply: Sent.'));
    expect(await replyDelivery(store.db, stored!.id)).toEqual({ status: 'sent', error: null, attempts: 1 });
    expect(box.counts.tokensIssued).toBe(1);
  });

  it('stores and sends one message for a double click (the same reply id twice)', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    await ana.say('available');
    const thread = await seedThread(store.db, { agentId: ana.aadObjectId, integration: oauth(box) });
    const click = { verb: 'digital.reply', data: { interactionId: thread.interactionId, replyId: replyIdFor(thread.interactionId), replyText: 'On it.' } };

    const answers = await Promise.all([ana.clickCard(click), ana.clickCard(click)]);
    for (const answer of answers) expect(cardText(answer)).toContain('Your reply is on its way.');
    await waitFor('the box to receive the reply', () => box.accepted.length === 1);
    expect(await ana.clickCard(click)).toBeTruthy(); // a third, late: still nothing new
    expect(await repliesOf(store.db, thread.threadId)).toHaveLength(1);
    await waitFor('the reply to be settled', async () => (await repliesOf(store.db, thread.threadId))[0]!.delivery_status === 'sent');
    expect(box.accepted).toHaveLength(1);
  });

  it('refuses a reply on someone else’s interaction exactly as on one that does not exist, and stores nothing', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    const bo = harness.user('bo', 'Bo Other');
    await ana.say('available');
    await bo.say('available');
    const thread = await seedThread(store.db, { agentId: ana.aadObjectId, integration: oauth(box) });
    const attempt = (interactionId: string) => bo.clickCard({ verb: 'digital.reply', data: { interactionId, replyId: replyIdFor(interactionId), replyText: 'Hijack' } });

    const onAnas = cardText(await attempt(thread.interactionId));
    const onNobodys = cardText(await attempt(randomUUID()));
    expect(onAnas).toBe(onNobodys);
    expect(onAnas).toContain(NOT_YOURS);
    expect(await repliesOf(store.db, thread.threadId)).toHaveLength(0);
  });

  it('with 20% of requests failing (503 + Retry-After, dropped connections), every reply arrives exactly once and each card says Sent', async () => {
    const s = await services();
    box.failFraction(0.2, { mode: 'mixed', retryAfterSeconds: 0 });
    const integration = await seedIntegration(store.db, oauth(box));
    const threads = await Promise.all([1, 2, 3].map(() => seedThread(store.db, { agentId: 'a1', integration })));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const thread = threads[i % 3]!;
      await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: `Reply number ${i}` });
    }
    for (const thread of threads) ids.push(...(await repliesOf(store.db, thread.threadId)).map((r) => r.id));
    s.replyDelivery.start();

    await waitFor('every reply to be sent', async () => {
      const statuses = await Promise.all(ids.map((id) => replyDelivery(store.db, id)));
      return statuses.every((d) => d?.status === 'sent');
    });
    expect(box.counts.failed).toBeGreaterThanOrEqual(2);
    const keys = box.accepted.map((p) => p.idempotencyKey);
    expect(keys.sort()).toEqual([...ids].sort()); // each once: none lost, none twice
    expect(new Set(box.accepted.map((p) => p.body.messageContent.payload.text)).size).toBe(12);
    for (const thread of threads) expect((await s.cards.view('a1', thread.interactionId)).notice).toEqual({ kind: 'info', text: 'Your reply: Sent.' });
  });

  it('gives a reply up at a permanent 400 at once, and the card says Not delivered and why', async () => {
    const s = await services();
    box.answerWith({ status: 400, body: { error: 'thread-1001 is archived', detail: 'x'.repeat(5000) } });
    const thread = await seedThread(store.db, { agentId: 'a1', integration: oauth(box) });
    await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: 'Hello?' });
    s.replyDelivery.start();

    const [reply] = await repliesOf(store.db, thread.threadId);
    await waitFor('the reply to be given up', async () => (await replyDelivery(store.db, reply!.id))?.status === 'failed');
    expect(await replyDelivery(store.db, reply!.id)).toEqual({ status: 'failed', error: 'HTTP 400 Bad Request: thread-1001 is archived', attempts: 1 });
    expect(box.counts.boxRequests).toBe(1);
    expect((await s.cards.view('a1', thread.interactionId)).notice).toEqual({ kind: 'error', text: 'Your reply: Not delivered: HTTP 400 Bad Request: thread-1001 is archived' });
  });

  it('gives a reply up after DIGITAL_REPLY_MAX_ATTEMPTS when the box stays unavailable', async () => {
    const s = await services({ replies: { maxAttempts: 3 } });
    box.answerWith({ status: 503, body: { error: 'maintenance' }, retryAfter: '0' });
    const thread = await seedThread(store.db, { agentId: 'a1', integration: oauth(box) });
    await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: 'Hello?' });
    s.replyDelivery.start();
    const [reply] = await repliesOf(store.db, thread.threadId);
    await waitFor('the reply to be given up', async () => (await replyDelivery(store.db, reply!.id))?.status === 'failed');
    expect(await replyDelivery(store.db, reply!.id)).toEqual({ status: 'failed', error: 'HTTP 503 Service Unavailable: maintenance (gave up after 3 attempts)', attempts: 3 });
    expect(box.counts.boxRequests).toBe(3);
  });

  it('gets one token for concurrent sends, renews it once when the box refuses it, and once more on a single 401', async () => {
    const s = await services();
    const integration = await seedIntegration(store.db, oauth(box));
    const threads = await Promise.all([1, 2, 3, 4, 5].map(() => seedThread(store.db, { agentId: 'a1', integration })));
    const sendAll = async (round: number) => {
      for (const thread of threads) await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: `Round ${round}` });
      await s.replyDelivery.drain();
    };

    await sendAll(1);
    expect(box.accepted).toHaveLength(5);
    expect(box.counts.tokensIssued).toBe(1);

    box.revokeTokens();
    await sendAll(2);
    expect(box.accepted).toHaveLength(10);
    expect(box.counts.tokensIssued).toBe(2);
    expect(new Set(box.accepted.slice(5).map((p) => p.authorization)).size).toBe(1);

    box.refuseOnce();
    await sendAll(3);
    expect(box.accepted).toHaveLength(15);
    expect(box.counts.tokensIssued).toBe(3);
  });

  it('uses HTTP Basic without an authorization URL, sends unauthenticated only to this machine, and refuses to send anywhere else without credentials', async () => {
    const s = await services();
    const basicBox = await startIntegrationBox({ ...CLIENT, auth: 'basic' });
    stops.push(() => basicBox.close());
    const withBasic = await seedThread(store.db, { agentId: 'a1', integration: { boxUrl: basicBox.boxUrl, outboundClientId: CLIENT.clientId, outboundSecretEnv: SECRET_ENV } });
    const simulator = await seedThread(store.db, { agentId: 'a1', integration: { boxUrl: box.boxUrl.replace('127.0.0.1', 'localhost') } });
    const elsewhere = await seedThread(store.db, { agentId: 'a1', integration: { boxUrl: 'https://box.example.invalid/messages' } });
    for (const thread of [withBasic, simulator, elsewhere]) await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: 'Hi' });
    await s.replyDelivery.drain();

    expect(basicBox.accepted.map((p) => p.authorization)).toEqual([`Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`]);
    const [unauthenticated] = await repliesOf(store.db, simulator.threadId);
    expect(unauthenticated!.delivery_status).toBe('failed'); // the box itself wants a bearer
    expect(unauthenticated!.delivery_error).toMatch(/^HTTP 401 Unauthorized/);
    const [refused] = await repliesOf(store.db, elsewhere.threadId);
    expect(refused).toMatchObject({ delivery_status: 'failed', delivery_error: 'the integration has no credentials (outbound client id and secret)', attempts: 1 });
  });

  it('two workers on one database never send one reply twice', async () => {
    const first = await services();
    const second = await buildServices(store, { replies: { delivery: FAST } });
    stops.push(() => second.replyDelivery.stop());
    const slowBox = await startIntegrationBox({ ...CLIENT, boxDelayMs: 15 });
    stops.push(() => slowBox.close());
    const integration = await seedIntegration(store.db, oauth(slowBox));
    const threads = await Promise.all([1, 2, 3, 4].map(() => seedThread(store.db, { agentId: 'a1', integration })));
    for (let i = 0; i < 20; i++) {
      const thread = threads[i % 4]!;
      await first.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: `Reply ${i}` });
    }
    const attempts = await Promise.all([first.replyDelivery.drain(), second.replyDelivery.drain(), first.replyDelivery.drain(), second.replyDelivery.drain()]);

    expect(attempts.reduce((a, b) => a + b, 0)).toBe(20);
    const keys = slowBox.accepted.map((p) => p.idempotencyKey);
    expect(keys).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
  });

  it('refuses a reply to a Closed or no longer assigned conversation, a foreign reply id and an overlong text, naming why', async () => {
    const s = await services();
    const closed = await seedThread(store.db, { agentId: 'a1', integration: oauth(box), status: 'Closed' });
    const open = await seedThread(store.db, { agentId: 'a1', integration: oauth(box) });
    const refusal = (promise: Promise<unknown>) => promise.then(() => 'no refusal', (error: Error) => error.message);

    expect(await refusal(s.replies.reply('a1', closed.interactionId, { replyId: replyIdFor(closed.interactionId), text: 'Hi' }))).toMatch(/completed/);
    expect(await refusal(s.replies.reply('a1', open.interactionId, { replyId: replyIdFor(closed.interactionId), text: 'Hi' }))).toBe("replyId: must be this card's reply ID");
    expect(await refusal(s.replies.reply('a1', open.interactionId, { replyId: replyIdFor(open.interactionId), text: 'x'.repeat(2001) }))).toBe(
      'replyText: a reply is at most 2,000 characters (this one has 2,001)',
    );
    await store.db.updateTable('digital_threads').set({ status: 'Closed' }).where('id', '=', open.threadId).execute();
    expect(await refusal(s.replies.reply('a1', open.interactionId, { replyId: replyIdFor(open.interactionId), text: 'Hi' }))).toBe('This conversation is Closed: no reply can be sent to it.');
    await store.db.updateTable('digital_threads').set({ status: 'Open', assignment: 'queued' }).where('id', '=', open.threadId).execute();
    expect(await refusal(s.replies.reply('a1', open.interactionId, { replyId: replyIdFor(open.interactionId), text: 'Hi' }))).toBe(
      'This conversation is not assigned to you any more, so no reply was sent.',
    );
    expect(await repliesOf(store.db, open.threadId)).toHaveLength(0);
  });

  it('"reply <text>" in chat goes to the conversation whose customer wrote last and names them; with none, says so', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    await ana.say('available');
    expect(await ana.sayText('reply Are you still there?')).toBe('You have no open digital conversation to reply to.');

    const integration = await seedIntegration(store.db, oauth(box));
    const older = await seedThread(store.db, { agentId: ana.aadObjectId, integration, lastInboundAt: '2026-01-15T07:20:50.520Z', endUser: { idOnExternalPlatform: '77', firstName: 'Olga' } });
    const latest = await seedThread(store.db, { agentId: ana.aadObjectId, integration, lastInboundAt: '2026-01-15T07:25:00.000Z' });
    const long = `reply ${'Thank you for waiting. '.repeat(40)}`.trim();
    expect(await ana.sayText(long)).toBe('Your reply to Peter Solo is on its way (of your 2 conversations, theirs has the latest message). Its card shows when it is delivered.');

    await waitFor('the box to receive the reply', () => box.accepted.length === 1);
    expect(box.accepted[0]!.body.thread.idOnExternalPlatform).toBe(latest.threadIdOnExternalPlatform);
    expect(box.accepted[0]!.body.messageContent.payload.text).toBe(long.slice('reply '.length));
    expect(await repliesOf(store.db, older.threadId)).toHaveLength(0);
  });
});
