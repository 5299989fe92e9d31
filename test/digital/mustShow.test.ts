import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionsOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { startMiddleware, type Middleware } from './middleware.js';

/*
 * Issue 14's Must show, through the real CloudAdapter and the real HTTP channel API: `chat Peter Solo …` →
 * a chat card with the transcript and Peter's CRM records (found by his email); a reply from the card reaches
 * the platform's box; Closed → one timeline activity on each linked record of the embedded CRM, and Closed
 * again sends nothing.
 */

const posted = (bot: BotHarness, user: TeamsUser, from: number): any[] =>
  bot.recorded
    .slice(from)
    .filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length)
    .map((r) => r.activity.attachments[0].content);

const action = (card: any, verb: string) => {
  const found = actionsOf(card).filter((a) => a.verb === verb);
  if (found.length !== 1) throw new Error(`expected one ${verb} action, found ${found.length}`);
  return found[0]!;
};

describe.each(STORE_BACKENDS)('Must show: a chat handled from Teams end to end ($name)', (backend) => {
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

  /** The linked records of an interaction, and the timeline activities (tasks) on each of them in the embedded CRM. */
  async function activitiesOnLinked(interactionId: string): Promise<Map<string, number>> {
    const linked = await store.db.selectFrom('interaction_records').select(['record_id']).where('interaction_id', '=', interactionId).where('linked', '=', 1).execute();
    const tasks = await store.db.selectFrom('crm_records').select(['fields']).where('type', '=', 'task').execute();
    const counts = new Map(linked.map((r) => [r.record_id, 0]));
    for (const task of tasks) {
      const fields = JSON.parse(task.fields) as { regardingId?: string; description?: string };
      if (counts.has(fields.regardingId ?? '') && fields.description?.includes(interactionId)) counts.set(fields.regardingId!, counts.get(fields.regardingId!)! + 1);
    }
    return counts;
  }

  it('available → chat Peter Solo … → the card with the transcript and his records; a reply reaches the box; Closed → one activity per linked record, Closed again nothing', async () => {
    const agent = bot.user('must-ana', 'Ana Agent');
    expect(await agent.sayText('available')).toMatch(/Available/);
    const from = bot.recorded.length;
    expect(await agent.sayText('chat Peter Solo Hello, can you help me, please?')).toMatch(/Its card is yours/);

    await waitFor('the chat card', () => posted(bot, agent, from).length > 0);
    let card = await agent.refreshed(posted(bot, agent, from)[0]);
    const interactionId = card.refresh.action.data.interactionId as string;
    const text = cardText(card);
    expect(text).toMatch(/Chat on Simulator web chat with \*\*Peter Solo\*\*/);
    expect(text).toMatch(/Hello, can you help me, please\?/);
    expect(text).toMatch(/Peter Solo/);
    expect(text).toMatch(/CS-2001/);
    const linked = await activitiesOnLinked(interactionId);
    expect([...linked.keys()]).toContain(DEMO.peter.id);

    // A reply from the card: the simulator's box gets it, and shows the agent what Peter's chat received.
    const send = action(card, VERBS.reply);
    const replied = await agent.click(send, { replyText: 'Hello Peter, I am looking at your parcel now.' });
    expect(replied.status).toBe(200);
    await waitFor('the reply at the box', () =>
      bot.recorded.some((r) => r.conversationId === 'a:personal-must-ana' && r.activity.text === "Peter Solo's chat received: Hello Peter, I am looking at your parcel now."),
    );
    // The box answered {status: "delivered"}: the card says so once the delivery is recorded.
    await waitFor('the reply shown delivered', async () => {
      card = await agent.currentCard(interactionId);
      return /Hello Peter, I am looking at your parcel now\.\nDelivered/.test(cardText(card));
    });

    // Closed: one timeline activity on each linked record, written by the job worker.
    const closed = await agent.click(action(card, VERBS.saveOutcome), { threadStatus: 'Closed', threadTags: 'Parcel', threadNotes: 'Parcel re-sent.' });
    expect(closed.status).toBe(200);
    await waitFor('one activity on each linked record', async () => [...(await activitiesOnLinked(interactionId)).values()].every((n) => n === 1), 20_000);
    const jobs = async () => (await store.db.selectFrom('jobs').select('id').where('subject', '=', interactionId).execute()).length;
    const queued = await jobs();
    expect(queued).toBeGreaterThan(0);

    // Closed again: refused as final, and nothing more is queued for the CRM.
    const again = await agent.click({ verb: VERBS.saveOutcome, data: { interactionId } }, { threadStatus: 'Closed', threadTags: '', threadNotes: '' });
    expect(JSON.stringify(again.body)).toMatch(/Closed/);
    expect(await jobs()).toBe(queued);
    expect([...(await activitiesOnLinked(interactionId)).values()].every((n) => n === 1)).toBe(true);
  });

  describe('with an external platform (the test middleware)', () => {
    let middleware: Middleware;
    beforeAll(async () => {
      middleware = await startMiddleware(bot.product);
    });
    afterAll(async () => {
      await middleware.close();
    });

    it("the platform's message, sent twice, makes one card; the agent's reply reaches its box once, with its bearer", async () => {
      const agent = bot.user('must-bo', 'Bo Agent');
      await agent.sayText('available');
      const from = bot.recorded.length;
      const peter = { idOnExternalPlatform: DEMO.peter.email, firstName: 'Peter', lastName: 'Solo' };
      expect((await middleware.say('thread-must-1', peter, 'Hello, can you help me, please?')).status).toBe(202);
      expect((await middleware.platform.resend()).body).toMatchObject({ stored: 0, duplicates: 1 });

      await waitFor('the chat card', () => posted(bot, agent, from).length > 0);
      expect(posted(bot, agent, from)).toHaveLength(1);
      const card = await agent.refreshed(posted(bot, agent, from)[0]);
      expect(cardText(card)).toMatch(/CS-2001/);

      expect((await agent.click(action(card, VERBS.reply), { replyText: 'On it, Peter.' })).status).toBe(200);
      await waitFor('the reply at the middleware', () => middleware.repliesIn('thread-must-1').length > 0);
      const [reply, ...more] = middleware.repliesIn('thread-must-1');
      expect(more).toEqual([]);
      expect(reply!.authorization).toMatch(/^Bearer /);
      expect(reply!.body).toMatchObject({ direction: 'outbound', messageContent: { type: 'TEXT', payload: { text: 'On it, Peter.' } } });
    });
  });
});
