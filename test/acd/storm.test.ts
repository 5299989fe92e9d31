import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStorm, makeStorm } from '../../bench/lib/acdStorm.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ACD_SECRET, postAcd } from './acdClient.js';

const AGENTS = 6;
const CONTACTS_PER_AGENT = 4;

/** The bench's storm (bench/lib/acdStorm.ts, run there with many agents) at a size CI runs on every change. */
describe.each(STORE_BACKENDS)('a duplicated and reordered event storm on $name', (backend) => {
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

  it.each([41])('ends with no doubled card and no lost transition, many agents at once (seed %i)', async (seed) => {
    const users = Array.from({ length: AGENTS }, (_, i) => bot.user(`storm-${seed}-${i}`, `Storm Agent ${i}`));
    for (const user of users) await user.sayText('unavailable Lunch'); // the bot knows their chat
    const numbers = [DEMO.contoso.phone, '+12065550142', '+13125550199'];
    const storm = makeStorm({
      agents: users.map((u) => ({ aadObjectId: u.aadObjectId, conversationId: `a:personal-${u.id}` })),
      contactsPerAgent: CONTACTS_PER_AGENT,
      ani: (n) => numbers[n % numbers.length]!,
      seed,
      runId: `storm-${seed}-${Date.now().toString(36)}`,
    });
    expect(storm.sent.length).toBeGreaterThan(storm.events.length); // some are sent more than once

    // Batches of 1 to 5 events, four requests in flight at once, as several ACD connections would.
    const batches: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < storm.sent.length;) {
      const size = 1 + (i % 5);
      batches.push(storm.sent.slice(i, i + size));
      i += size;
    }
    const outcomes = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          const answer = await postAcd(bot.url, batch.length === 1 ? batch[0] : { events: batch });
          expect(answer.status).toBe(200);
          for (const r of answer.body.results as Array<{ outcome: string }>) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        }
      }),
    );
    expect(outcomes.get('refused') ?? 0).toBe(0);
    // Every distinct event applied (or superseded, held) once; every repeat answered duplicate.
    expect(outcomes.get('duplicate')).toBe(storm.sent.length - storm.events.length);

    const cards = (conversationId: string) => bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === conversationId && r.activity.attachments?.length).length;
    const outcome = await checkStorm(store.db, storm, cards);
    expect(outcome.examples).toEqual([]);
    expect(outcome).toMatchObject({ contacts: AGENTS * CONTACTS_PER_AGENT, doubledCards: 0, doubledInteractions: 0, lostTransitions: 0 });
  });
});
