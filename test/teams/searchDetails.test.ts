import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { actionOf, actionsOf, cardText, startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/**
 * An agent looks a customer up between calls: the search results card gives each record a Details button,
 * read only. Details reads only a record the agent's own last search found; any other record, real or not,
 * gets one and the same answer, so the button cannot probe the CRM.
 */
describe.each(STORE_BACKENDS)('Details of a search result outside a call ($name)', (backend) => {
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

  const GONE = /That search result is not available any more: search again, then open its Details\./;

  it('opens all fields and activities of a record found, read only', async () => {
    const agent = bot.user('looker', 'Lou Looker');
    const results = await agent.sayCard('search garcia');
    expect(cardProblems(results)).toEqual([]);
    const details = await agent.clickCard(actionOf(results, 'Details: Maria Garcia'));
    expect(cardProblems(details)).toEqual([]);
    expect(cardText(details)).toMatch(/Contact: Maria Garcia/);
    expect(cardText(details)).toMatch(/Account: Contoso Pharmaceuticals/);
    expect(cardText(details)).toMatch(/From your search, for reading/);
    expect(cardText(details)).toMatch(/Activities \(\d+\)/);
    // For reading: nothing to go back to, nothing to edit.
    expect(actionsOf(details).map((a: { title: string }) => a.title)).toEqual([]);
  });

  it("gives a record nobody searched for, a missing one, and another agent's result the same answer", async () => {
    const searcher = bot.user('searcher', 'Sam Searcher');
    const other = bot.user('prober', 'Pat Prober');
    const results = await searcher.sayCard('search garcia');
    const maria = actionOf(results, 'Details: Maria Garcia');
    await other.sayCard('search contoso');
    const answers = [
      await other.clickCard(maria),
      await other.clickCard({ verb: VERBS.lookupDetails, data: { recordType: 'contact', recordId: 'no-such-contact' } }),
      await searcher.clickCard({ verb: VERBS.lookupDetails, data: { recordType: 'contact', recordId: DEMO.nobody } }),
    ];
    for (const answer of answers) {
      expect(cardText(answer)).toMatch(GONE);
      expect(cardText(answer)).not.toMatch(/Garcia|maria/i);
    }
    expect(cardText(answers[0])).toBe(cardText(answers[1]));
  });

  it('refuses malformed data naming the field', async () => {
    const agent = bot.user('malformed', 'Mal Formed');
    const answer = await agent.clickCard({ verb: VERBS.lookupDetails, data: { recordType: ['contact'], recordId: 'x' } });
    expect(cardText(answer)).toMatch(/The card sent bad data: recordType: /);
  });
});
