import { describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../src/crm/port.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardText } from '../support/botHarness.js';
import { STORE_BACKENDS } from '../support/stores.js';
import { useAcdBot } from './acdBot.js';
import { event, newAcdAgent, postAcd, uniqueId } from './acdClient.js';

/** How long the CRM takes to answer a phone search here: a cloud CRM's hundreds of milliseconds, and more. */
const CRM_MS = 700;

/**
 * The ACD's events are applied one at a time; an offer's data dip reads the CRM. With a CRM that takes
 * CRM_MS to answer, offers that come together must not each wait for the search of the one before.
 */
describe.each(STORE_BACKENDS)('ACD offers while the CRM is slow to answer, on $name', (backend) => {
  /** Phone searches in the CRM at this moment, the most at once, and how many in all. */
  const searches = { now: 0, most: 0, total: 0 };
  const slowPhoneSearch = (connector: CrmConnector): CrmConnector =>
    new Proxy(connector, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'findByPhone' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          searches.most = Math.max(searches.most, ++searches.now);
          searches.total++;
          try {
            await new Promise((resolve) => setTimeout(resolve, CRM_MS));
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            searches.now--;
          }
        };
      },
    });

  const acd = useAcdBot(backend, { wrapConnector: slowPhoneSearch });

  const newAgent = () => newAcdAgent(acd.bot, 'slow-crm-agent', 'Slow CRM Agent');

  it('searches the CRM for offers that come together at once, not one after the other, and links the same records', async () => {
    const agents = [await newAgent(), await newAgent(), await newAgent()];
    const contacts = agents.map(() => uniqueId('slow-crm'));
    searches.most = 0;
    const before = searches.total;
    const answers = await Promise.all(
      agents.map((agent, i) =>
        postAcd(
          acd.bot.url,
          event('contact.offered', Date.now(), 0, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contacts[i], channel: 'voice', ani: DEMO.maria.mobilePhone, skill: 'Billing' } }),
        ),
      ),
    );
    expect(answers.map((a) => a.body.results[0].outcome)).toEqual(['applied', 'applied', 'applied']);
    // Each offer's search started as it arrived, while the offers ahead of it waited for theirs.
    expect(searches.most).toBe(3);
    // The agents were Unavailable here: each offer found that in its transaction, made its agent Available (the
    // ACD routed it to them) and went through on the same search.
    expect(searches.total - before).toBe(3);
    // The dip read ahead is the same dip: each agent's card has Maria Garcia linked.
    for (const [i, agent] of agents.entries()) {
      const interaction = await acd.store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', contacts[i]!).executeTakeFirstOrThrow();
      expect(interaction).toMatchObject({ agent_id: agent.aadObjectId, match_state: 'single', state: 'offered' });
      expect(cardText(await agent.currentCard(interaction.id))).toMatch(/Maria Garcia matches \+1 206 555 0142 and is linked to this call/);
    }
  });

  it('routes, with its data dip, an offer that waited for its agent to finish the contact before', async () => {
    const agent = await newAgent();
    const [first, second] = [uniqueId('slow-crm'), uniqueId('slow-crm')];
    const base = Date.now();
    const before = searches.total;
    const offer = (contactId: string, at: number) =>
      event('contact.offered', base, at, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: contactId, channel: 'voice', ani: DEMO.maria.mobilePhone, skill: 'Billing' } });
    await postAcd(acd.bot.url, offer(first, 0));
    // Still on the first contact: the second waits, and is routed when the first is done.
    await postAcd(acd.bot.url, offer(second, 1));
    expect(await acd.store.db.selectFrom('interactions').select('id').where('acd_contact_id', '=', second).execute()).toEqual([]);
    const done = (type: string, at: number) => event(type, base, at, { agent: { aadObjectId: agent.aadObjectId }, contact: { id: first } });
    await postAcd(acd.bot.url, { events: [done('contact.answered', 2), done('contact.ended', 3), done('contact.acwCompleted', 4)] });
    const routed = await acd.store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', second).executeTakeFirstOrThrow();
    expect(routed).toMatchObject({ agent_id: agent.aadObjectId, match_state: 'single' });
    // One search per contact: the waiting one is routed on the search its offer started.
    expect(searches.total - before).toBe(2);
  });
});
