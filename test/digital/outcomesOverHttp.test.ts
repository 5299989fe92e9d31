import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { acwJobsFor } from '../../src/interactions/acwJobs.js';
import { findInteraction } from '../../src/store/interactionsRepository.js';
import { listRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { enqueueJobs, jobsOfSubject } from '../../src/store/jobsRepository.js';
import { cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { seedThread } from './fixtures.js';

const signal = new AbortController().signal;
const messages = [
  { direction: 'inbound' as const, text: 'Hello, can you help me, please?', at: '2026-12-06T09:00:00.000Z', author: 'Peter Solo' },
  { direction: 'outbound' as const, text: 'Sure, one moment.', at: '2026-12-06T09:00:40.000Z', author: 'Ana Agent' },
];

/** The card actions of a digital conversation, clicked in Teams, through the real bot and its real database. */
describe.each(STORE_BACKENDS)('digital outcomes over HTTP ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let ana: TeamsUser;
  let bob: TeamsUser;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
    ana = bot.user('ana', 'Ana Agent');
    bob = bot.user('bob', 'Bob Agent');
    await ana.install();
    await bob.install();
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it("Closed from the card writes one activity to the linked record, with the transcript's summary; another agent's click is refused", async () => {
    const { interactionId } = await seedThread(store.db, { agentId: 'aad-ana', configurationId: 'demo', linked: [{ type: 'contact', id: DEMO.maria.id, label: 'Maria Garcia' }], messages });
    const refused = await bob.clickCard({ verb: VERBS.saveOutcome, data: { interactionId } }, { threadStatus: 'Closed', threadTags: '', threadNotes: '' });
    expect(cardText(refused)).toMatch(/not one of your interactions/);

    const badTags = await ana.clickCard({ verb: VERBS.saveOutcome, data: { interactionId } }, { threadStatus: 'Open', threadTags: 'x'.repeat(31), threadNotes: '' });
    expect(cardText(badTags)).toMatch(/threadTags/);

    const closed = await ana.clickCard({ verb: VERBS.saveOutcome, data: { interactionId } }, { threadStatus: 'Closed', threadTags: 'VIP', threadNotes: 'Helped over chat.' });
    expect(cardText(closed)).toMatch(/Closed\./);
    await waitFor('the CRM writes to finish', async () => (await jobsOfSubject(store.db, interactionId)).every((j) => j.status === 'done'));
    expect((await jobsOfSubject(store.db, interactionId)).map((j) => j.kind).sort()).toEqual(['memorialization', 'timeline']);
    const written = (await new EmbeddedConnector(store.db).listActivities({ type: 'contact', id: DEMO.maria.id }, { signal, limit: 100 })).filter((a) =>
      a.canonical.description?.includes('Helped over chat.'),
    );
    expect(written).toHaveLength(1);
    expect(written[0]!.canonical.description).toContain('First message (Peter Solo, 2026-12-06T09:00:00.000Z): Hello, can you help me, please?');
    expect(written[0]!.canonical.description).toContain('Transcript: 1 message in, 1 out, over 0 min 40 s');

    const again = await ana.clickCard({ verb: VERBS.saveOutcome, data: { interactionId } }, { threadStatus: 'Closed', threadTags: '', threadNotes: '' });
    expect(cardText(again)).toMatch(/already Closed; nothing was sent twice/);
    expect(await jobsOfSubject(store.db, interactionId)).toHaveLength(2);
  });

  it("dismiss lets the conversation go: the agent's card message gets its last, read-only update and the CRM writes are queued", async () => {
    const { interactionId } = await seedThread(store.db, {
      agentId: 'aad-ana',
      configurationId: 'demo',
      linked: [{ type: 'contact', id: DEMO.maria.id, label: 'Maria Garcia' }],
      messages,
      cardActivityId: 'card-message-of-ana',
    });
    const answer = await ana.clickCard({ verb: VERBS.dismiss, data: { interactionId } });
    expect(cardText(answer)).toMatch(/Dismissed: it comes back when the customer writes again/);
    const last = await bot.updateOf('card-message-of-ana', () => true);
    expect(cardText(last)).toMatch(/Read-only/);
    expect(last.refresh).toBeUndefined();
    const thread = await store.db.selectFrom('digital_threads').select(['assignment', 'trigger']).where('interaction_id', '=', interactionId).executeTakeFirstOrThrow();
    expect(thread).toEqual({ assignment: 'dismissed', trigger: 'dismiss' });
    expect((await jobsOfSubject(store.db, interactionId)).map((j) => j.kind).sort()).toEqual(['memorialization', 'timeline']);
    // Nobody owns it now: a second click is refused like an unknown id, and nothing more is queued.
    expect(cardText(await ana.clickCard({ verb: VERBS.unassign, data: { interactionId } }))).toMatch(/not one of your interactions/);
    expect(await jobsOfSubject(store.db, interactionId)).toHaveLength(2);
  });

  it('a CRM write queued by the agent who let the conversation go updates the card message of the agent who has it now', async () => {
    const { interactionId } = await seedThread(store.db, {
      agentId: 'aad-bob',
      configurationId: 'demo',
      linked: [{ type: 'contact', id: DEMO.maria.id, label: 'Maria Garcia' }],
      messages,
      cardActivityId: 'card-message-of-bob',
    });
    // As a transfer from Ana to Bob leaves it: the thread and its card message are Bob's, the trigger's jobs Ana's.
    const interaction = (await findInteraction(store.db, interactionId))!;
    const jobs = acwJobsFor(interaction, { id: 'aad-ana', name: 'Ana Agent' }, await listRecordLinks(store.db, interactionId), bot.product.engine.configuration('demo')!, new Date());
    expect(await enqueueJobs(store.db, jobs, new Date().toISOString())).toBe(2);
    bot.product.worker.wake();
    // Done, or superseded (Maria's memorialization by the later conversation above wins): finished either way.
    await waitFor('the CRM writes to finish', async () => (await jobsOfSubject(store.db, interactionId)).every((j) => j.status === 'done' || j.status === 'superseded'));
    await bot.updateOf('card-message-of-bob', (card) => /Saved to the CRM/.test(cardText(card)));
    const updates = bot.recorded.filter((r) => r.kind === 'update' && r.targetId === 'card-message-of-bob');
    expect(new Set(updates.map((u) => u.conversationId))).toEqual(new Set(['a:personal-bob']));
  });
});
