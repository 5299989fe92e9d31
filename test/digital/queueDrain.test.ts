import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/digital/ports.js';
import type { DigitalChannel } from '../../src/domain/digital.js';
import { findThreadByExternalId } from '../../src/store/threadsRepository.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { addChannel } from './fixtures.js';
import { waitFor } from '../support/waitFor.js';

const SKILLS = { 'aad-q1': ['Chat'], 'aad-q2': ['Rare'] };
/** More than one page of the drain (QUEUE_BATCH in threadRouting.ts). */
const RARE_THREADS = 101;

const message = (thread: string, seconds: number): InboundMessage => ({
  idOnExternalPlatform: `m-${thread}`,
  threadIdOnExternalPlatform: thread,
  text: `Hello from ${thread}`,
  createdAt: new Date(Date.parse('2026-12-07T09:00:00.000Z') + seconds * 1000).toISOString(),
  direction: 'inbound',
  author: { idOnExternalPlatform: `user-${thread}` },
});

/**
 * The queue's drain reads it a page at a time (100 threads), oldest first. Threads waiting for a skill nobody free
 * has must not hold back a newer thread someone free could take, however many of them there are.
 */
describe.each(STORE_BACKENDS)('the conversation queue drains past threads nobody free can take ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { DIGITAL_CONCURRENCY: '2', DIGITAL_AGENT_SKILLS: JSON.stringify(SKILLS) });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('gives a Chat agent who becomes Available the Chat thread queued behind a full page of Rare ones', async () => {
    const rare = await addChannel(store.db, 'Rare', 'Rare chat');
    const chat = await addChannel(store.db, 'Chat', 'Chat chat');
    const q1 = bot.user('q1', 'Agent q1');
    await q1.say('help');
    // Nobody is Available: every thread waits in the queue, the Rare ones oldest.
    for (let i = 0; i < RARE_THREADS; i++) await bot.product.threads.intake.receive(rare, [message(`rare-${i}`, i)]);
    await bot.product.threads.intake.receive(chat, [message('chat-0', RARE_THREADS)]);
    const assignment = async (channel: DigitalChannel, thread: string) => (await findThreadByExternalId(store.db, channel.id, thread))?.assignment;
    expect(await assignment(chat, 'chat-0')).toBe('queued');

    expect(await q1.sayText('available')).toMatch(/You are Available/);
    await waitFor('the Chat thread to reach q1', async () => (await assignment(chat, 'chat-0')) === 'assigned');
    const rareLeft = await store.db
      .selectFrom('digital_threads')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('channel_id', '=', rare.id)
      .where('assignment', '=', 'queued')
      .executeTakeFirstOrThrow();
    expect(Number(rareLeft.n)).toBe(RARE_THREADS);
  });
});
