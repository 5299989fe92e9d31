import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/digital/ports.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const postgres = STORE_BACKENDS.find((b) => b.name === 'postgres');

/** Routing holds with several instances on one PostgreSQL: the pick and the assignment are one locked transaction. */
describe.skipIf(!postgres)('digital routing, two instances on one PostgreSQL', () => {
  let store: TestStore;
  let a: BotHarness;
  let b: BotHarness;
  const channelId = randomUUID();

  beforeAll(async () => {
    store = await postgres!.open();
    [a, b] = await Promise.all([startBot(store, { DIGITAL_CONCURRENCY: '2' }), startBot(store, { DIGITAL_CONCURRENCY: '2' })]);
    for (const id of ['r1', 'r2', 'r3']) expect(await a.user(id, `Agent ${id}`).sayText('available')).toMatch(/You are Available/);
    const now = new Date().toISOString();
    await store.db
      .insertInto('digital_channels')
      .values({
        id: channelId,
        integration_id: 'i',
        id_on_external_platform: 'c',
        channel_integration_id: 'i',
        real_external_platform_id: null,
        name: 'Chat',
        is_private: 0,
        has_tree_structure: 0,
        kind: 'chat',
        skill: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.dispose();
  });

  it('gives each thread to one agent once, and no agent more than the concurrency, when threads arrive on both at once', async () => {
    const channel = {
      id: channelId,
      integrationId: 'i',
      idOnExternalPlatform: 'c',
      channelIntegrationId: 'i',
      realExternalPlatformId: null,
      name: 'Chat',
      isPrivate: false,
      hasTreeStructure: false,
      kind: 'chat' as const,
      skill: null,
    };
    const message = (thread: string): InboundMessage => ({
      idOnExternalPlatform: `m-${thread}`,
      threadIdOnExternalPlatform: thread,
      text: 'Hello',
      createdAt: new Date().toISOString(),
      direction: 'inbound',
      author: { idOnExternalPlatform: `user-${thread}` },
    });
    const threads = Array.from({ length: 8 }, (_, i) => `thread-${i}`);
    // Each thread is sent to both instances at once, as a platform retrying through a load balancer would.
    const results = await Promise.all(threads.flatMap((t) => [a.product.threads.intake.receive(channel, [message(t)]), b.product.threads.intake.receive(channel, [message(t)])]));
    expect(results.reduce((n, r) => n + r.stored, 0)).toBe(8);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(8);

    const rows = await store.db.selectFrom('digital_threads as t').innerJoin('interactions as i', 'i.id', 't.interaction_id').select(['t.assignment', 'i.agent_id', 'i.id']).execute();
    expect(rows).toHaveLength(8);
    const load = new Map<string, number>();
    for (const row of rows.filter((r) => r.assignment === 'assigned')) load.set(row.agent_id, (load.get(row.agent_id) ?? 0) + 1);
    expect([...load.entries()].sort()).toEqual([
      ['aad-r1', 2],
      ['aad-r2', 2],
      ['aad-r3', 2],
    ]);
    expect(rows.filter((r) => r.assignment === 'queued').map((r) => r.agent_id)).toEqual(['', '']);
    // One card posted per assigned thread, by whichever instance assigned it (once the posts on their way are answered).
    await Promise.all([a.cardsPosted(), b.cardsPosted()]);
    const posts = [...a.recorded, ...b.recorded].filter((r) => r.kind === 'send' && r.activity.attachments?.[0]?.content?.refresh?.action?.verb === 'customerCard.refresh');
    const posted = posts.map((r) => r.activity.attachments[0].content.refresh.action.data.interactionId as string).sort();
    expect(posted).toEqual(
      rows
        .filter((r) => r.assignment === 'assigned')
        .map((r) => r.id)
        .sort(),
    );
  });
});
