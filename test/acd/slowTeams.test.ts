import { describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardText, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { useAcdBot } from './acdBot.js';
import { event, newAcdAgent, postAcd, uniqueId } from './acdClient.js';

/**
 * Teams answers a post in tens to hundreds of milliseconds, and asks to wait seconds when it throttles. The
 * ACD's events are applied one at a time, so they must never wait for Teams: here the Bot Connector records
 * each post at once and answers none until released.
 */
describe.each(STORE_BACKENDS)('ACD events while Teams is slow to answer, on $name', (backend) => {
  const acd = useAcdBot(backend);

  const newAgent = () => newAcdAgent(acd.bot, 'slow-teams-agent', 'Slow Teams Agent');
  const postedTo = (user: TeamsUser) => acd.bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length);
  const interactionOf = async (contactId: string) => acd.store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', contactId).executeTakeFirst();
  /** The events API's answer, or a failure after 5 s (with Teams not answering, none would come if it waited for it). */
  const answerTo = async (body: unknown) =>
    Promise.race([postAcd(acd.bot.url, body), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the events API did not answer: it waits for Teams')), 5000).unref())]);
  const offered = (user: TeamsUser, contactId: string, base: number) =>
    event('contact.offered', base, 0, { agent: { aadObjectId: user.aadObjectId }, contact: { id: contactId, channel: 'voice', ani: DEMO.maria.mobilePhone, skill: 'Billing' } });

  it('answers each offer while the card posted for the one before has had no answer from Teams', async () => {
    const [first, second] = [await newAgent(), await newAgent()];
    const contacts = [uniqueId('slow'), uniqueId('slow')];
    const release = acd.bot.holdConnector();
    try {
      expect((await answerTo(offered(first!, contacts[0]!, Date.now()))).body.results[0].outcome).toBe('applied');
      await waitFor('the first card at the connector', () => postedTo(first!).length === 1);
      // The first card's post is still unanswered: the next offer is applied all the same.
      expect((await answerTo(offered(second!, contacts[1]!, Date.now()))).body.results[0].outcome).toBe('applied');
      await waitFor('the second card at the connector', () => postedTo(second!).length === 1);
      expect((await interactionOf(contacts[0]!))?.card_activity_id).toBeNull();
    } finally {
      release();
    }
    // Once Teams answers, each message is the one kept current.
    for (const [index, user] of [first!, second!].entries()) {
      await waitFor('the card message remembered', async () => (await interactionOf(contacts[index]!))?.card_activity_id === postedTo(user)[0]!.id);
    }
  });

  it('updates the card in place when the call was answered while its ringing card was on its way', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('slow');
    const base = Date.now();
    const release = acd.bot.holdConnector();
    try {
      await answerTo(offered(agent, contactId, base));
      await waitFor('the ringing card at the connector', () => postedTo(agent).length === 1);
      expect(cardText(postedTo(agent)[0]!.activity.attachments[0].content)).toMatch(/Ringing/);
      const answered = event('contact.answered', base, 3, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId } });
      expect((await answerTo(answered)).body.results[0].outcome).toBe('applied');
    } finally {
      release();
    }
    // The update the answer raised found no message yet: it goes out once the post is answered.
    const updated = await acd.bot.updateOf(postedTo(agent)[0]!.id, () => true);
    expect(cardText(updated)).toMatch(/On call/);
    expect(cardText(updated)).not.toMatch(/Ringing/);
    expect(postedTo(agent)).toHaveLength(1);
  });
});
