import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { ActivityDeliveries, DELIVERY_REMEMBERED_MS } from '../../src/delivery/activityDeliveries.js';
import { actionOf, cardText, startBot, type BotHarness, type InvokeAnswer, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/** An activity as Teams posts it for this user, with an id of our choosing, to be delivered more than once. */
function activityOf(bot: BotHarness, user: TeamsUser, type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    id: `f:${randomUUID()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: bot.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:customer-card-bot', name: 'Customer Card' },
    conversation: { id: `a:personal-${user.id}`, conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    ...fields,
  };
}

const cardAction = (bot: BotHarness, user: TeamsUser, action: { verb: string; data: Record<string, unknown> }, inputs: Record<string, unknown> = {}) =>
  activityOf(bot, user, 'invoke', {
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
  });

/** Posts an invoke and returns the HTTP answer (what Teams shows). */
async function invoke(bot: BotHarness, activity: Record<string, unknown>): Promise<InvokeAnswer> {
  const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe.each(STORE_BACKENDS)('an activity Teams delivers twice acts once ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let n = 0;
  const newAgent = async (): Promise<TeamsUser> => {
    const user = bot.user(`dup-${++n}`, `Agent ${n}`);
    await user.sayText('available');
    return user;
  };
  const interactionsOf = (user: TeamsUser) => store.db.selectFrom('interactions').selectAll().where('agent_id', '=', user.aadObjectId).execute();
  const cardsSentTo = (user: TeamsUser) => bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length);

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('a message delivered again is not acted on again, nor answered again', async () => {
    const agent = await newAgent();
    const call = activityOf(bot, agent, 'message', { text: 'call +12065550142', textFormat: 'plain' });
    const first = await bot.post(call);
    expect(first.filter((r) => r.activity.attachments?.length)).toHaveLength(1);
    expect(await bot.post(call)).toEqual([]);
    expect(await interactionsOf(agent)).toHaveLength(1);
    expect(cardsSentTo(agent)).toHaveLength(1);
    await agent.hangup();
  });

  it('a message delivered twice at once acts once', async () => {
    const agent = await newAgent();
    const call = activityOf(bot, agent, 'message', { text: 'call +12065550142', textFormat: 'plain' });
    await Promise.all([bot.post(call), bot.post(call)]);
    // One answer to the activity, whichever delivery gave it: the one card.
    const answers = bot.recorded.filter((r) => r.kind === 'send' && r.targetId === call.id);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.activity.attachments).toHaveLength(1);
    expect(await interactionsOf(agent)).toHaveLength(1);
    expect(cardsSentTo(agent)).toHaveLength(1);
    await agent.hangup();
  });

  it('the same activity id in another conversation is another activity', async () => {
    const [one, two] = [await newAgent(), await newAgent()];
    const id = `f:${randomUUID()}`;
    await bot.post({ ...activityOf(bot, one, 'message', { text: 'unavailable lunch' }), id });
    const other = await bot.post({ ...activityOf(bot, two, 'message', { text: 'unavailable lunch' }), id });
    expect(other.map((r) => r.activity.text)).toEqual([expect.stringMatching(/Unavailable/)]);
  });

  it('a card action delivered again creates nothing twice, and answers with the card as it stands', async () => {
    const agent = await newAgent();
    const { card } = await agent.sayForCard('call +12065550142');
    const subject = `Duplicate check ${randomUUID()}`;
    const create = cardAction(bot, agent, actionOf(card, 'Create case'), { subject, description: '', priority: 'Low' });
    const first = await invoke(bot, create);
    expect(first.status).toBe(200);
    expect(cardText(first.body!.value)).toContain(subject);
    const again = await invoke(bot, create);
    expect(again.status).toBe(200);
    expect(again.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(again.body!.value)).toContain(subject); // the current card, showing the one case
    const cases = await store.db.selectFrom('crm_records').select('id').where('type', '=', 'case').where('fields', 'like', `%${subject}%`).execute();
    expect(cases).toHaveLength(1);
    await agent.hangup();
  });

  it('a link delivered twice at once links once', async () => {
    const agent = await newAgent();
    const { card } = await agent.sayForCard(`call ${DEMO.household.phone}`);
    const link = cardAction(bot, agent, actionOf(card, 'Link', { recordId: 'con-pat-doe' }));
    const answers = await Promise.all([invoke(bot, link), invoke(bot, link)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [interaction] = await interactionsOf(agent);
    const links = await store.db.selectFrom('interaction_records').selectAll().where('interaction_id', '=', interaction!.id).where('linked', '=', 1).execute();
    expect(links.map((l) => l.record_id)).toEqual(['con-pat-doe']);
    expect(cardText(await agent.currentCard(interaction!.id))).toMatch(/Current Interaction \(1\)/);
    await agent.hangup();
  });

  it('Complete ACW delivered twice at once queues one set of ACW jobs', async () => {
    const agent = await newAgent();
    const { card } = await agent.sayForCard('call +12065550142');
    const ended = await agent.endCall(card);
    const complete = cardAction(bot, agent, actionOf(ended, 'Complete ACW'), { disposition: 'Resolved', notes: 'once' });
    const answers = await Promise.all([invoke(bot, complete), invoke(bot, complete)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // Neither answer is a refusal: the repeat got the card as it stood, not "already completed".
    for (const answer of answers) expect(cardText(answer.body!.value)).not.toMatch(/cannot|already/i);
    const [interaction] = await interactionsOf(agent);
    expect(interaction!.state).toBe('completed');
    expect(interaction!.notes).toBe('once');
    // One set: each ACW write once (their keys are unique, so a second completion could only have been refused).
    const jobs = await store.db.selectFrom('jobs').select('kind').where('subject', '=', interaction!.id).execute();
    expect(jobs.length).toBeGreaterThan(0);
  });

  it('remembers a delivery for a while, then forgets it (the table stays small)', async () => {
    let now = new Date('2026-12-06T12:00:00Z');
    const deliveries = new ActivityDeliveries({ db: store.db, clock: () => now });
    const conversation = `a:ledger-${randomUUID()}`;
    expect(await deliveries.isFirstDelivery(conversation, 'act-1')).toBe(true);
    expect(await deliveries.isFirstDelivery(conversation, 'act-1')).toBe(false);
    expect(await deliveries.isFirstDelivery(conversation, 'act-2')).toBe(true);
    // An id of any length makes a key of one size.
    expect(await deliveries.isFirstDelivery(conversation, 'x'.repeat(100_000))).toBe(true);
    expect(await deliveries.isFirstDelivery(conversation, 'x'.repeat(100_000))).toBe(false);

    now = new Date(now.getTime() + DELIVERY_REMEMBERED_MS - 1);
    expect(await deliveries.isFirstDelivery(conversation, 'act-1')).toBe(false);
    now = new Date(now.getTime() + 1);
    expect(await deliveries.isFirstDelivery(conversation, 'act-1')).toBe(true); // expired: a new delivery
    expect(await deliveries.isFirstDelivery(conversation, 'act-1')).toBe(false);

    // Later, the next delivery sweeps every expired claim.
    now = new Date(now.getTime() + DELIVERY_REMEMBERED_MS + 60_000);
    const expired = async () => store.db.selectFrom('delivered_activities').select('delivery_key').where('expires_at', '<=', now.toISOString()).execute();
    expect((await expired()).length).toBeGreaterThanOrEqual(3);
    expect(await deliveries.isFirstDelivery(conversation, 'act-3')).toBe(true);
    expect(await expired()).toHaveLength(0);
  });
});
