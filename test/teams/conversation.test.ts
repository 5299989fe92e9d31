import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { cardProblems, inputsOfAction } from '../support/adaptiveCards.js';
import { actionOf, actionsOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

describe.each(STORE_BACKENDS)('conversations with the bot ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let n = 0;
  /** A fresh agent, Available, for each scenario. */
  const newAgent = async (): Promise<TeamsUser> => {
    const user = bot.user(`agent-${++n}`, `Agent ${n}`);
    await user.sayText('available');
    return user;
  };

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('lists the commands on "help"', async () => {
    const card = await bot.user('helper').sayCard('help');
    expect(cardProblems(card)).toEqual([]);
    for (const command of ['available', 'unavailable <reason>', 'call <number>', 'search <text>', 'hangup']) {
      expect(cardText(card)).toContain(`${command}:`);
    }
    expect(cardText(card)).not.toContain('status:'); // supervisors' command, shown to supervisors only
  });

  it('points to help for text it does not know', async () => {
    expect(await bot.user('lost').sayText('what is this')).toMatch(/I don't know "what is this".*help/);
  });

  it.each(['+12065550142', '(206) 555-0142', '206.555.0142', '+1 206 555 0142', '1-206-555-0142'])('understands the number %s', async (number) => {
    const agent = await newAgent();
    const card = (await agent.sayForCard(`call ${number}`)).card;
    expect(cardText(card)).toMatch(/\*\*Contact\*\* · Maria Garcia/);
    await agent.hangup();
  });

  it('refuses a number it cannot route, saying how to write one', async () => {
    const agent = await newAgent();
    expect(await agent.sayText('call banana')).toMatch(/not a phone number.*\+12065550142/);
  });

  it('shows several matches for choosing, links none, and links the one chosen', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard(`call ${DEMO.household.phone}`)).card;
    const text = cardText(card);
    expect(text).toMatch(/Several matches: choose/);
    expect(text).toMatch(/Current Interaction \(0\)/);
    expect(text).toMatch(/Chris Doe/);
    expect(text).toMatch(/Pat Doe/);
    const linked = await agent.clickCard(actionOf(card, 'Link', { recordId: 'con-pat-doe' }));
    expect(cardText(linked)).toMatch(/Current Interaction \(1\)/);
    expect(actionOf(linked, 'Unlink', { recordId: 'con-pat-doe' })).toBeTruthy();
    expect(actionOf(linked, 'Link', { recordId: 'con-chris-doe' })).toBeTruthy();
    await agent.hangup();
  });

  it('offers a prefilled Create contact when nobody matches, and links what it creates', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard(`call ${DEMO.nobody}`)).card;
    expect(cardText(card)).toMatch(/No record matches/);
    const phoneInput = JSON.stringify(card).match(/"id":"phone","label":"Phone","value":"([^"]+)"/);
    expect(phoneInput?.[1]).toBe('+1 206 555 0000');
    const create = actionsOf(card).find((a) => a.verb === VERBS.createContact)!;
    const created = await agent.clickCard(create, { firstName: 'Sam', lastName: 'Rivera', phone: '+1 206 555 0000', email: 'sam@example.com' });
    expect(cardText(created)).toMatch(/Created contact Sam Rivera and linked it/);
    expect(cardText(created)).toMatch(/Current Interaction \(1\)/);

    // Once this call is done, the next call from that number finds the new contact.
    const ended = await agent.endCall(card);
    await agent.clickCard(actionOf(ended, 'Complete ACW'), { disposition: 'Resolved', notes: '' });
    const next = (await agent.sayForCard(`call ${DEMO.nobody}`)).card;
    expect(cardText(next)).toMatch(/Current Interaction \(1\)\n\*\*Contact\*\* · Sam Rivera/);
    await agent.hangup();
  });

  it('completes ACW on a call nobody matched, with the Create contact form left empty', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard(`call ${DEMO.nobody}`)).card;
    const ended = await agent.endCall(card);
    expect(actionsOf(ended).some((a) => a.verb === VERBS.createContact)).toBe(true);
    // What the renderer gathers and checks for Complete ACW: its own inputs, not the contact form's.
    const { sent, refused } = inputsOfAction(ended, 'Complete ACW');
    expect(refused).toEqual(['disposition']);
    const filled: Record<string, string> = { disposition: 'Resolved', notes: 'Wrong department' };
    const done = await agent.clickCard(actionOf(ended, 'Complete ACW'), Object.fromEntries(sent.map((id) => [id, filled[id] ?? ''])));
    expect(cardText(done)).toMatch(/After Call Work complete/);
    expect(cardText(done)).toMatch(/Disposition: Resolved/);
  });

  it('creates a case for the linked contact, a custom record, and edits a record', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard('call +12065550142')).card;
    const withCase = await agent.clickCard(actionOf(card, 'Create case'), { subject: 'Invoice copy', description: 'Needs March invoice', priority: 'Low' });
    expect(cardText(withCase)).toMatch(/Created case CS-\d+ Invoice copy and linked it/);
    const custom = await agent.clickCard(actionOf(withCase, 'Create record'), { entity: 'work_order', fields: 'name=WO-7001\nsubject=Replace cartons' });
    expect(cardText(custom)).toMatch(/Created work order WO-7001 and linked it/);
    expect(cardText(custom)).toMatch(/Current Interaction \(3\)/);

    const details = await agent.clickCard(actionOf(custom, 'Details', { recordId: DEMO.maria.id }));
    expect(cardProblems(details)).toEqual([]);
    const edited = await agent.clickCard(actionOf(details, 'Save'), { field_email: 'maria.g@contoso.example', field_mobilePhone: '+1 206 555 0142' });
    expect(cardText(edited)).toMatch(/Saved Maria Garcia/);
    expect(cardText(edited)).toMatch(/maria.g@contoso.example/);

    const bad = await agent.clickCard(actionOf(custom, 'Create record'), { entity: 'work order', fields: 'name=x' });
    expect(cardText(bad)).toMatch(/Problem:.*entity: must be a record type/);
    await agent.hangup();
  });

  it('searches as people type: "García" and "GARCIA" find Maria Garcia', async () => {
    const agent = await newAgent();
    for (const query of ['García', 'GARCIA', 'maría garc']) {
      const results = await agent.sayCard(`search ${query}`);
      expect(cardText(results), query).toMatch(/Maria Garcia/);
    }
  });

  it('puts search results under Related Interactions during a call, and in a results card otherwise', async () => {
    const agent = await newAgent();
    const results = await agent.sayCard('search CS-1001');
    expect(cardText(results)).toMatch(/Damaged shipment/);
    // Nothing to link to without an interaction: only Details, to read the record.
    expect(actionsOf(results).map((a: { verb: string }) => a.verb)).toEqual([VERBS.lookupDetails]);

    const card = (await agent.sayForCard(`call ${DEMO.nobody}`)).card;
    expect(cardText(card)).toMatch(/Related Interactions \(0\)/);
    expect(await agent.sayText('search garcia')).toMatch(/1 record found for "garcia"; they are under Related Interactions on the Customer Card/);
    const found = await agent.currentCard(card.refresh.action.data.interactionId);
    expect(cardText(found)).toMatch(/Related Interactions \(1\)/);
    expect(actionOf(found, 'Link', { recordId: DEMO.maria.id })).toBeTruthy();
    const byEmail = await agent.clickCard(
      actionsOf(found).find((a) => a.verb === VERBS.search)!,
      { query: 'pat.doe@example.com' },
    );
    expect(cardText(byEmail)).toMatch(/Pat Doe/);
    await agent.hangup();
  });

  it("refuses card actions on another agent's interaction without showing it", async () => {
    const owner = await newAgent();
    const intruder = await newAgent();
    const card = (await owner.sayForCard('call +12065550142')).card;
    const refused = await intruder.clickCard(actionOf(card, 'Details', { recordId: DEMO.maria.id }));
    expect(cardText(refused)).toMatch(/Refused:.*not one of your interactions \(or it does not exist\)/);
    expect(cardText(refused)).not.toMatch(/Maria/);
    await owner.hangup();
  });

  it('refuses a record that is not on the card, and data that does not parse, naming the field', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard('call +12065550142')).card;
    const link = actionOf(card, 'Link', { recordId: DEMO.mariaCase.id });
    const tampered = await agent.clickCard({ verb: link.verb, data: { ...link.data, recordId: 'con-0001' } });
    expect(cardText(tampered)).toMatch(/Refused:.*not on this interaction's card/);
    const malformed = await agent.clickCard({ verb: link.verb, data: { interactionId: 'x', recordType: 'case', recordId: 'cas-1' } });
    expect(cardText(malformed)).toMatch(/interactionId: must be an interaction ID/);
    await agent.hangup();
  });

  it('keeps a completed card read-only', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard('call +12065550142')).card;
    const ended = await agent.endCall(card);
    const done = await agent.clickCard(actionOf(ended, 'Complete ACW'), { disposition: 'Wrong number', notes: '' });
    const titles = actionsOf(done).map((a) => a.title);
    expect(titles.length).toBeGreaterThan(1);
    expect(
      titles.filter((t) => !t.startsWith('Details: ')),
      'no Link, Unlink, create or search',
    ).toEqual([]);
    const stale = await agent.clickCard(actionOf(card, 'Link', { recordId: DEMO.mariaCase.id }));
    expect(cardText(stale)).toMatch(/Problem:.*completed; its card is read-only/);
  });

  it('asks for a disposition before completing ACW', async () => {
    const agent = await newAgent();
    const card = (await agent.sayForCard('call +12065550142')).card;
    const ended = await agent.endCall(card);
    const refused = await agent.clickCard(actionOf(ended, 'Complete ACW'), { disposition: 'Whatever', notes: '' });
    expect(cardText(refused)).toMatch(/Choose a disposition: Resolved/);
    expect(cardText(refused)).toMatch(/After Call Work/); // still in ACW, form still there
  });

  it('gives a new number its own customer card, and merges two cards of one person keeping every link', async () => {
    // The tests above leave their calls to this number in ACW; a card in another agent's open interaction
    // is not one to merge (Ownership.mergeableCustomer), so they are closed first.
    await store.db.updateTable('interactions').set({ state: 'completed' }).where('state', '!=', 'completed').execute();
    const agent = await newAgent();
    // Maria calls from her mobile: her customer card is named after her once she is linked.
    const first = (await agent.sayForCard('call +1 206 555 0142')).card;
    await agent.clickCard(actionOf(await agent.endCall(first), 'Complete ACW'), { disposition: 'Resolved', notes: '' });

    // She calls again from a new number: a new card, which the agent links to her by hand.
    const second = (await agent.sayForCard('call +1 206 555 0177')).card;
    expect(cardText(second)).toMatch(/Customer: \*\*\+1 206 555 0177\*\* · 1 interaction/);
    const interactionId = second.refresh.action.data.interactionId;
    await agent.sayText('search maria garcia');
    const linked = await agent.clickCard(actionOf(await agent.currentCard(interactionId), 'Link', { recordId: DEMO.maria.id }));
    expect(cardText(linked)).toMatch(/Customer: \*\*Maria Garcia\*\* · 1 interaction · \+1 206 555 0177/);

    // The merge dialog lists her other card as a likely duplicate; merging keeps both histories.
    const merge = actionOf(linked, 'Merge into this card');
    const merged = await agent.clickCard(merge);
    expect(cardText(merged)).toMatch(/Merged Maria Garcia's card into this one: \+12065550142 and \d+ interactions? now belong to this customer/);
    expect(cardText(merged)).toMatch(/Customer: \*\*Maria Garcia\*\* · \d+ interactions · \+1 206 555 0142, \+1 206 555 0177/);
    expect(cardText(merged)).toMatch(/Current Interaction \(1\)\n\*\*Contact\*\* · Maria Garcia/); // nothing unlinked

    // Searching the dialog by phone finds nobody else now; merging the same card again is refused.
    const again = await agent.clickCard(merge);
    expect(cardText(again)).toMatch(/Refused:.*does not exist any more \(merged already\?\)/);
    const search = await agent.clickCard(
      actionsOf(merged).find((a) => a.verb === VERBS.findDuplicates)!,
      { duplicateQuery: '+1 206 555 0142' },
    );
    expect(cardText(search)).toMatch(/No other card looks like Maria Garcia for "\+1 206 555 0142"/);
    await agent.hangup();
  });

  it('answers an unknown card action with a 400', async () => {
    const answer = await bot.user('x').click({ verb: 'customerCard.selfDestruct', data: {} });
    expect(answer.status).toBe(400);
    expect(answer.body?.type).toBe('application/vnd.microsoft.error');
  });

  it('shows supervisors every agent, and tells anyone else politely no', async () => {
    const agent = await newAgent();
    await agent.sayForCard('call +12065550142');
    const supervisor = bot.user('boss', 'Sam Supervisor', 'aad-supervisor');
    const card = await supervisor.sayCard('status');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toMatch(new RegExp(`\\*\\*${agent.name}\\*\\*: Working`));
    expect(text).toMatch(/voice \+1 206 555 0142 \(on call\)/);
    expect(text).toMatch(/\*\*Agent \d+\*\*: ACW/); // those who hung up earlier, in After Call Work

    const refusal = await agent.sayText('status');
    expect(refusal).toMatch(/for supervisors/);
    expect(refusal).not.toMatch(/Working|ACW|Available|206|Agent \d/);
    await agent.hangup();
  });
});

// On both stores: on Postgres its last test used to hang in product.stop() (the job worker's claim waited
// for a connection the destroyed pool forgot; src/store/closablePool.ts).
describe.each(STORE_BACKENDS)('the HTTP edge ($name)', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => store.dispose());

  it('answers 400 to a malformed activity and stays healthy', async () => {
    const bot = await startBot(store);
    try {
      for (const body of [{}, { type: 'message' }, { type: 'message', conversation: { id: 'c' } }, { type: 'message', from: { id: 'u' } }]) {
        const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(response.status).toBe(400);
        expect((await response.json()).error).toMatch(/malformed activity/);
      }
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      expect(await bot.user('after').sayText('available')).toMatch(/Available/);
    } finally {
      await bot.stop();
    }
  });

  it('requires a Bot Framework token when BOT_ID is set', async () => {
    const bot = await startBot(store, { BOT_ID: '11111111-2222-3333-4444-555555555555', SECRET_BOT_PASSWORD: 'not-a-real-secret' });
    try {
      const activity = { type: 'message', text: 'help', channelId: 'msteams', serviceUrl: bot.serviceUrl, from: { id: 'u' }, recipient: { id: 'b' }, conversation: { id: 'c' } };
      const anonymous = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(anonymous.status).toBe(401);
      const forged = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.jwt' },
        body: JSON.stringify(activity),
      });
      expect(forged.status).toBe(401);
      expect(bot.recorded).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('answers a failure inside a turn with a short safe message, never a stack', async () => {
    const bot = await startBot(store);
    try {
      await bot.product.store.db.destroy(); // the database goes away under the running bot
      const replies = await bot.user('unlucky').say('available');
      expect(replies).toHaveLength(1);
      expect(replies[0]!.activity.text).toBe('Something went wrong on my side. It has been logged; please try again.');
    } finally {
      await bot.stop().catch(() => undefined);
    }
  });
});
