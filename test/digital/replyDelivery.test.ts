import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replyDelivery } from '../../src/store/repliesRepository.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { CLIENT, oauth, repliesOf, replyIdFor, SECRET_ENV, seedIntegration, seedThread } from './fixtures.js';
import { startIntegrationBox, type IntegrationBox } from './integrationBox.js';

/** Short retry waits, so a test sees many retries (timing is not what these tests measure). */
const FAST = { baseDelayMs: 5, maxDelayMs: 50, pollMs: 20 };

describe.each(STORE_BACKENDS)('replies delivered to the integration box ($name)', (backend) => {
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

  async function services(options: Parameters<typeof buildServices>[1] = {}) {
    const built = await buildServices(store, { replies: { delivery: FAST, ...options.replies } });
    stops.push(() => built.replyDelivery.stop());
    await built.agents.identify('a1', 'Ana Agent');
    await built.agents.identify('b1', 'Bo Other');
    return built;
  }

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
    for (const thread of threads) await waitFor('its card to say Sent', async () => (await s.cards.view('a1', thread.interactionId)).notice?.text === 'Your reply: Sent.');
  });

  it('sends a reply stored while another is held up at a slow box at once, not after it', async () => {
    const s = await services();
    const integration = await seedIntegration(store.db, oauth(box));
    const [first, second] = await Promise.all([1, 2].map(() => seedThread(store.db, { agentId: 'a1', integration })));
    s.replyDelivery.start();
    box.slowNext(3_000);
    await s.replies.reply('a1', first!.interactionId, { replyId: replyIdFor(first!.interactionId), text: 'Held up' });
    s.replyDelivery.wake();
    const [held] = await repliesOf(store.db, first!.threadId);
    await waitFor('the first reply to reach the slow box', async () => box.firstSeen.has(held!.id));

    await s.replies.reply('a1', second!.interactionId, { replyId: replyIdFor(second!.interactionId), text: 'Not held up' });
    s.replyDelivery.wake();
    const [next] = await repliesOf(store.db, second!.threadId);
    await waitFor('the second reply to be sent', async () => (await replyDelivery(store.db, next!.id))?.status === 'sent');
    // The first is still waiting for its answer: the second did not wait for it.
    expect(box.accepted.map((post) => post.idempotencyKey)).toEqual([next!.id]);
    await waitFor('the first reply to be sent too', async () => (await replyDelivery(store.db, held!.id))?.status === 'sent');
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
    const notice = { kind: 'error', text: 'Your reply: Not delivered: HTTP 400 Bad Request: thread-1001 is archived' };
    await waitFor('the card to say why', async () => JSON.stringify((await s.cards.view('a1', thread.interactionId)).notice) === JSON.stringify(notice));
  });

  it('marks a reply Delivered when the box answers that it was delivered', async () => {
    const s = await services();
    box.answerDelivered(true);
    const thread = await seedThread(store.db, { agentId: 'a1', integration: oauth(box) });
    const changes: string[] = [];
    s.events.onCardChanged(({ interactionId }) => void changes.push(interactionId));
    await s.replies.reply('a1', thread.interactionId, { replyId: replyIdFor(thread.interactionId), text: 'Done!' });
    expect(changes).toEqual([thread.interactionId]); // the reply itself
    await s.replyDelivery.drain();

    const [reply] = await repliesOf(store.db, thread.threadId);
    expect(await replyDelivery(store.db, reply!.id)).toEqual({ status: 'delivered', error: null, attempts: 1 });
    expect(changes).toEqual([thread.interactionId, thread.interactionId]); // and its delivery
    expect((await s.cards.view('a1', thread.interactionId)).notice).toEqual({ kind: 'info', text: 'Your reply: Delivered.' });
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
});
