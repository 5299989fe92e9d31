import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardBytes, MESSAGE_BUDGET_BYTES } from '../../src/cards/budget.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import type { InboundMessage } from '../../src/digital/ports.js';
import type { DigitalChannel, EndUserIdentity } from '../../src/domain/digital.js';
import { findInteraction } from '../../src/store/interactionsRepository.js';
import { listRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { findThreadByExternalId, latestMessages } from '../../src/store/threadsRepository.js';
import { cardProblems, inputsOfAction } from '../support/adaptiveCards.js';
import { actionOf, actionsOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { addChannel } from './fixtures.js';

const peter: EndUserIdentity = { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' };
const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function message(thread: string, text: string, options: { seconds?: number; author?: EndUserIdentity; id?: string } = {}): InboundMessage {
  return {
    idOnExternalPlatform: options.id ?? `m-${randomUUID()}`,
    threadIdOnExternalPlatform: thread,
    text,
    createdAt: at(options.seconds ?? 0),
    direction: 'inbound',
    author: options.author ?? peter,
  };
}

/** Who has the platform's thread now: its interaction's agent ('' while queued) and the thread's assignment. */
async function ownerOf(store: TestStore, channel: DigitalChannel, thread: string): Promise<{ agentId: string; assignment: string; interactionId: string }> {
  const found = await findThreadByExternalId(store.db, channel.id, thread);
  if (!found) throw new Error(`no thread ${thread}`);
  const interaction = await findInteraction(store.db, found.interactionId);
  return { agentId: interaction!.agentId, assignment: found.assignment, interactionId: found.interactionId };
}

/** Customer Cards the bot posted into a user's chat (new messages, not updates). */
const postedTo = async (bot: BotHarness, user: TeamsUser) => {
  await bot.cardsPosted();
  return bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.[0]?.content?.refresh?.action?.verb === 'customerCard.refresh');
};

describe.each(STORE_BACKENDS)('digital threads are routed ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let a1: TeamsUser;
  let a2: TeamsUser;
  let a3: TeamsUser;
  let chat: DigitalChannel;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, {
      DIGITAL_CONCURRENCY: '2',
      DIGITAL_AGENT_SKILLS: JSON.stringify({ 'aad-a1': ['Chat'], 'AAD-A2': ['chat'], 'aad-a3': ['Chat'], 'aad-a4': ['Billing'] }),
    });
    a1 = bot.user('a1', 'Agent a1');
    a2 = bot.user('a2', 'Agent a2');
    a3 = bot.user('a3', 'Agent a3');
    for (const agent of [a1, a2, bot.user('a4', 'Billing agent')]) expect(await agent.sayText('available')).toMatch(/You are Available/);
    await a3.say('help');
    chat = await addChannel(store.db, 'Chat');
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('assigns new threads round robin among Available agents with the skill, each up to the concurrency, and queues the rest', async () => {
    const intake = bot.product.threads.intake;
    for (const thread of ['t1', 't2', 't3', 't4', 't5']) expect(await intake.receive(chat, [message(thread, `Hello from ${thread}`)])).toEqual({ stored: 1, duplicates: 0 });
    const owners = await Promise.all(['t1', 't2', 't3', 't4', 't5'].map((t) => ownerOf(store, chat, t)));
    // a4 is Available but has only Billing; a3 is not Available.
    expect(owners.map((o) => [o.agentId, o.assignment])).toEqual([
      ['aad-a1', 'assigned'],
      ['aad-a2', 'assigned'],
      ['aad-a1', 'assigned'],
      ['aad-a2', 'assigned'],
      ['', 'queued'],
    ]);
    // Each assigned agent got the card of each of their conversations in their chat; they stay Available.
    expect(await postedTo(bot, a1)).toHaveLength(2);
    expect(await postedTo(bot, a2)).toHaveLength(2);
    const card = await a1.refreshed((await postedTo(bot, a1))[0]!.activity.attachments[0].content);
    expect(cardText(card)).toMatch(/Chat on Support chat with \*\*Peter Solo\*\*/);
    expect(cardText(card)).toMatch(/Hello from t1/);
    expect(await a1.sayText('available')).toMatch(/You are Available/);
  });

  it('drains the queue when an agent becomes Available', async () => {
    expect(await a3.sayText('available')).toMatch(/You are Available/);
    await waitFor('the queued thread to reach a3', async () => (await ownerOf(store, chat, 't5')).agentId === 'aad-a3');
    expect((await ownerOf(store, chat, 't5')).assignment).toBe('assigned');
    await waitFor('its card in a3 chat', async () => (await postedTo(bot, a3)).length >= 1);
    expect(await postedTo(bot, a3)).toHaveLength(1);
  });

  it('transfers to a person only if they can take it, and says so otherwise', async () => {
    const { router } = bot.product.threads;
    const t5 = await findThreadByExternalId(store.db, chat.id, 't5');
    // a1 has two already (the concurrency); an unknown id gets the same answer.
    await expect(router.assignTo(t5!.id, 'aad-a1')).rejects.toThrow(/cannot take this conversation now/);
    await expect(router.assignTo(t5!.id, 'aad-nobody')).rejects.toThrow(/cannot take this conversation now/);
    await router.assignTo(t5!.id, 'aad-a4');
    expect((await ownerOf(store, chat, 't5')).agentId).toBe('aad-a4');
  });

  it('stores a message sent twice at once only once, in one thread with one interaction', async () => {
    const twice = message('t-dup', 'Are you there?', { id: 'comment-300001' });
    const results = await Promise.all([bot.product.threads.intake.receive(chat, [twice]), bot.product.threads.intake.receive(chat, [{ ...twice }])]);
    expect(results.map((r) => r.stored).sort()).toEqual([0, 1]);
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 1]);
    const thread = await findThreadByExternalId(store.db, chat.id, 't-dup');
    expect(await latestMessages(store.db, thread!.id, 10)).toHaveLength(1);
    const interactions = await store.db.selectFrom('interactions').select('id').where('channel', '=', 'chat').execute();
    const threads = await store.db.selectFrom('digital_threads').select('interaction_id').execute();
    expect(interactions.map((i) => i.id).sort()).toEqual(threads.map((t) => t.interaction_id).sort());
  });
});

describe.each(STORE_BACKENDS)('the digital card ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let chat: DigitalChannel;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { DIGITAL_CONCURRENCY: '20', DIGITAL_IDENTITY_MAP: JSON.stringify({ 'crm-42': DEMO.maria.email }) });
    agent = bot.user('solo', 'Sam Solo');
    expect(await agent.sayText('available')).toMatch(/You are Available/);
    chat = await addChannel(store.db, null);
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  const cardOf = async (thread: string) => agent.currentCard((await ownerOf(store, chat, thread)).interactionId);

  it('shows the transcript oldest first whatever order the messages came in, with a reply box, outcome, transfer, unassign and dismiss', async () => {
    const intake = bot.product.threads.intake;
    await intake.receive(chat, [message('order', 'third', { seconds: 30 })]);
    await intake.receive(chat, [message('order', 'first', { seconds: 10 }), message('order', 'second', { seconds: 20 })]);
    const card = await cardOf('order');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text.indexOf('first')).toBeGreaterThan(-1);
    expect(text.indexOf('first')).toBeLessThan(text.indexOf('second'));
    expect(text.indexOf('second')).toBeLessThan(text.indexOf('third'));
    // The transcript comes before the CRM sections.
    expect(text.indexOf('third')).toBeLessThan(text.indexOf('Current Interaction'));
    const { interactionId } = await ownerOf(store, chat, 'order');
    expect(actionOf(card, 'Send').data).toEqual({ interactionId, replyId: `${interactionId}-0` });
    expect(inputsOfAction(card, 'Send')).toEqual({ sent: ['replyText'], refused: ['replyText'] });
    expect(inputsOfAction(card, 'Save outcome').sent).toEqual(['threadNotes', 'threadStatus', 'threadTags']);
    expect(inputsOfAction(card, 'Unassign').sent).toEqual([]);
    expect(inputsOfAction(card, 'Dismiss').sent).toEqual([]);
    expect(actionOf(card, 'Dismiss').verb).toBe('digital.dismiss');
  });

  it('finds the end user in the CRM by email, by phone number, and by the identity map', async () => {
    const intake = bot.product.threads.intake;
    await intake.receive(chat, [message('by-email', 'Hi', { author: { idOnExternalPlatform: DEMO.maria.email, firstName: 'Maria' } })]);
    await intake.receive(chat, [message('by-phone', 'Hi', { author: { idOnExternalPlatform: '+1 206 555 0142' } })]);
    await intake.receive(chat, [message('by-map', 'Hi', { author: { idOnExternalPlatform: 'crm-42', nickname: 'mg' } })]);
    await intake.receive(chat, [message('nobody', 'Hi', { author: peter })]);
    for (const thread of ['by-email', 'by-phone', 'by-map']) {
      const links = await listRecordLinks(store.db, (await ownerOf(store, chat, thread)).interactionId);
      expect(links.filter((l) => l.linked).map((l) => l.recordId)).toEqual([DEMO.maria.id]);
      expect(cardText(await cardOf(thread))).toMatch(/Current Interaction \(1\)[\s\S]*Maria Garcia/);
    }
    expect(cardText(await cardOf('nobody'))).toMatch(/no email or phone number to look them up by/);
    // Nobody in the CRM has this email: the contact form offered is filled with it, not with a phone number.
    await intake.receive(chat, [message('new-email', 'Hi', { author: { idOnExternalPlatform: 'New.Person@Example.com' } })]);
    const unknown = await cardOf('new-email');
    expect(cardText(unknown)).toMatch(/No record matches new.person@example.com/);
    const inputs: any[] = [];
    const walk = (node: any): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      if (node.type === 'Input.Text') inputs.push(node);
      Object.values(node).forEach(walk);
    };
    walk(unknown);
    expect(inputs.filter((i) => i.id === 'email').map((i) => i.value)).toContain('new.person@example.com');
    expect(inputs.filter((i) => i.id === 'phone').every((i) => i.value === '')).toBe(true);
  });

  it('stays under 28 KB with 500 long messages, says how many earlier ones it left out, and cuts a very long one', async () => {
    const long = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(34);
    const messages = Array.from({ length: 500 }, (_, i) => message('long', `${i}: ${long}`, { seconds: i }));
    messages.push(message('long', `last ${'x'.repeat(5000)}`, { seconds: 600 }));
    expect(await bot.product.threads.intake.receive(chat, messages)).toEqual({ stored: 501, duplicates: 0 });
    const card = await cardOf('long');
    expect(cardBytes(card)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    const earlier = Number(/(\d+) earlier messages not shown/.exec(text)?.[1]);
    expect(earlier).toBeGreaterThan(400);
    expect(text).toMatch(/last x+…/);
    expect(text).toMatch(/499: Lorem/); // the latest messages are the ones kept
    expect(text).not.toMatch(/\b0: Lorem/);
  });

  it('shows right-to-left text right to left', async () => {
    await bot.product.threads.intake.receive(chat, [message('rtl', 'مرحبا، أحتاج مساعدة في طلبي 123', { seconds: 1 }), message('rtl', 'Hello again', { seconds: 2 })]);
    const card = await cardOf('rtl');
    const containers: any[] = [];
    const walk = (node: any): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      if (node.type === 'Container') containers.push(node);
      Object.values(node).forEach(walk);
    };
    walk(card.body);
    const holding = (words: string) => containers.find((c) => c.items?.some((i: any) => i.type === 'TextBlock' && i.text.includes(words)));
    expect(holding('مرحبا').rtl).toBe(true);
    expect(holding('Hello again').rtl).toBeUndefined();
  });

  it('updates the card message of an assigned thread when a message comes, routes a dismissed one again, and keeps a Closed one closed', async () => {
    const intake = bot.product.threads.intake;
    await intake.receive(chat, [message('life', 'Hello', { seconds: 1 })]);
    await bot.cardsPosted();
    const { interactionId } = await ownerOf(store, chat, 'life');
    const messageId = (await store.db.selectFrom('interactions').select('card_activity_id').where('id', '=', interactionId).executeTakeFirstOrThrow()).card_activity_id!;
    const updatesBefore = bot.recorded.filter((r) => r.kind === 'update' && r.targetId === messageId).length;
    await intake.receive(chat, [message('life', 'Anyone?', { seconds: 2 })]);
    await waitFor('the card message updated', () => bot.recorded.filter((r) => r.kind === 'update' && r.targetId === messageId).length > updatesBefore);
    expect(cardText(await agent.currentCard(interactionId))).toMatch(/Anyone\?/);

    // Dismissed (nobody has it): the end user's next message puts it back in the queue, and routing gives it out again.
    await store.db.updateTable('digital_threads').set({ assignment: 'dismissed' }).where('interaction_id', '=', interactionId).execute();
    await store.db.updateTable('interactions').set({ agent_id: '' }).where('id', '=', interactionId).execute();
    await intake.receive(chat, [message('life', 'Still there?', { seconds: 3 })]);
    expect(await ownerOf(store, chat, 'life')).toMatchObject({ agentId: 'aad-solo', assignment: 'assigned' });

    // Closed is final: a later message joins the transcript, and the card stays read-only.
    await store.db.updateTable('digital_threads').set({ status: 'Closed' }).where('interaction_id', '=', interactionId).execute();
    await store.db.updateTable('interactions').set({ state: 'completed' }).where('id', '=', interactionId).execute();
    expect(await intake.receive(chat, [message('life', 'Thanks, bye', { seconds: 4 })])).toEqual({ stored: 1, duplicates: 0 });
    const closed = await agent.currentCard(interactionId);
    expect(cardText(closed)).toMatch(/Thanks, bye/);
    expect(cardText(closed)).toMatch(/Closed\./);
    expect(actionsOf(closed).filter((a) => a.verb.startsWith('digital.'))).toEqual([]);
    expect((await ownerOf(store, chat, 'life')).assignment).toBe('assigned');
  });

  it('keeps calls working beside chats: call and hangup act on the call, never on a chat', async () => {
    // Several chats open, no call: there is nothing to hang up (a chat is not a call).
    expect(await agent.hangup()).toMatch(/no call to hang up/);
    const { card } = await agent.sayForCard('call +1 206 555 0142');
    expect(cardText(card)).toMatch(/Inbound call from/);
    expect(cardText(card)).not.toMatch(/Conversation \(/);
    expect(await agent.hangup()).toMatch(/call ended|After Call Work/i);
    const chatCard = await cardOf('order');
    expect(cardText(chatCard)).toMatch(/Status/);
    expect((await ownerOf(store, chat, 'order')).assignment).toBe('assigned');
  });
});
