import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOT_YOURS } from '../../src/interactions/ownership.js';
import { createLogger } from '../../src/log.js';
import { replyDelivery } from '../../src/store/repliesRepository.js';
import { cardText, startBot, type BotHarness } from '../support/botHarness.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { CLIENT, oauth, repliesOf, replyIdFor, seedIntegration, seedThread } from './fixtures.js';
import { startIntegrationBox, type IntegrationBox } from './integrationBox.js';

/** Short retry waits, so a test sees many retries (timing is not what these tests measure). */
const FAST = { baseDelayMs: 5, maxDelayMs: 50, pollMs: 20 };

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

  async function bot(lines?: string[]): Promise<BotHarness> {
    const harness = await startBot(store, {}, lines ? createLogger('debug', { write: (line: string) => void lines.push(line) }) : undefined);
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
    const lines: string[] = [];
    const harness = await bot(lines);
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
    // What the agent wrote, and the box's token and secret, are never logged.
    expect(lines.some((line) => JSON.parse(line).msg === 'digital reply delivered to the integration box')).toBe(true);
    for (const secret of ['Your order ships today', CLIENT.clientSecret, post!.authorization!.slice('Bearer '.length)]) expect(lines.join('\n')).not.toContain(secret);
  });

  it('sends a reply from the personal tab through the same action', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    await ana.say('available');
    const thread = await seedThread(store.db, { agentId: ana.aadObjectId, integration: oauth(box) });
    const replyId = replyIdFor(thread.interactionId);
    const answer = await fetch(`${harness.url}/api/tab/action`, {
      method: 'POST',
      headers: { 'X-Local-Agent-Id': ana.aadObjectId, 'content-type': 'application/json' },
      body: JSON.stringify({ verb: 'digital.reply', data: { interactionId: thread.interactionId, replyId, replyText: 'From the tab' } }),
    });
    expect(answer.status).toBe(200);
    expect(cardText(((await answer.json()) as any).card)).toContain('Your reply is on its way.');
    await waitFor('the box to receive the reply', () => box.accepted.length === 1);
    expect(box.accepted[0]!.body).toMatchObject({ idOnExternalPlatform: replyId, messageContent: { payload: { text: 'From the tab' } } });
  });

  it('stores and sends one message for a double click (the same reply id twice)', async () => {
    const harness = await bot();
    const ana = harness.user('ana', 'Ana Agent');
    await ana.say('available');
    const thread = await seedThread(store.db, { agentId: ana.aadObjectId, integration: oauth(box) });
    const click = { verb: 'digital.reply', data: { interactionId: thread.interactionId, replyId: replyIdFor(thread.interactionId), replyText: 'On it.' } };

    const answers = await Promise.all([ana.clickCard(click), ana.clickCard(click)]);
    // Each click is answered with the card; the one that stored the reply says so (or, if slow, that it is sending).
    for (const answer of answers) expect(cardText(answer)).toMatch(/^Customer Card/);
    expect(answers.some((answer) => /Your reply is on its way\.|Working: Sending your reply/.test(cardText(answer)))).toBe(true);
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

  it('refuses a reply to a Closed or no longer assigned conversation, a foreign reply id and an overlong text, naming why', async () => {
    const s = await services();
    const closed = await seedThread(store.db, { agentId: 'a1', integration: oauth(box), status: 'Closed' });
    const open = await seedThread(store.db, { agentId: 'a1', integration: oauth(box) });
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'no refusal',
        (error: Error) => error.message,
      );

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
    // A chat reply may be as long as a card's, and no longer.
    expect(await ana.sayText(`reply ${'x'.repeat(2001)}`)).toMatch(/^Commands are limited to 2,006 characters; that message has 2,007\./);
    expect(await ana.sayText('reply')).toMatch(/^Type your reply after the word: reply <text>\./);
  });
});
