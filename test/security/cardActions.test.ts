import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionsOf, cardText, type InvokeAnswer } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ALL_VERBS, anyData, buildWorld, nobodysId, NOT_YOURS, rawInvoke, RECORD_VERBS, SECRETS, type OwnershipWorld } from './ownershipWorld.js';

/** The card an invoke answered with (Universal Actions: 200, an Adaptive Card). */
function cardOf(answer: InvokeAnswer): any {
  expect(answer.status).toBe(200);
  expect(answer.body?.statusCode).toBe(200);
  expect(answer.body?.type).toBe('application/vnd.microsoft.card.adaptive');
  return answer.body!.value;
}

function expectNoSecret(answer: InvokeAnswer): void {
  const json = JSON.stringify(answer.body);
  for (const secret of SECRETS) expect(json, secret).not.toContain(secret);
}

/**
 * Every card verb, through the real bot (CloudAdapter over HTTP), sent by someone who does not own the
 * interaction: another agent's open and completed interactions, ids that do not exist, records of another
 * agent's card, wrong types, arrays, `__proto__` keys, oversized values. Each answer is checked for its
 * status and body (the same for "someone else's" as for "does not exist"), and that nothing changed: no
 * row in any table, no message sent or updated; /healthz stays 200.
 */
describe.each(STORE_BACKENDS)('card actions on what is not yours, through the bot ($name)', (backend) => {
  let store: TestStore;
  let world: OwnershipWorld;

  beforeAll(async () => {
    store = await backend.open();
    world = await buildWorld(store);
  });
  afterAll(async () => {
    await world?.stop();
    await store?.dispose();
  });

  /** Runs `attack`, then checks that nothing changed anywhere and the process is healthy. */
  async function changesNothing<T>(attack: () => Promise<T>): Promise<T> {
    const before = await world.snapshot();
    const sent = world.sent();
    const result = await attack();
    // A change would be told to the card publisher, which updates the chat card soon after.
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Table by table, so that a failure shows the rows that changed.
    expect(await world.snapshot()).toEqual(before);
    expect(world.sent(), 'no message sent or updated').toBe(sent);
    expect(await world.healthz()).toBe(200);
    return result;
  }

  it.each(ALL_VERBS)("%s: another agent's interaction (open or completed) is refused exactly like an id that does not exist", async (verb) => {
    await changesNothing(async () => {
      const answers = [];
      for (const interactionId of [world.ids.ownerOpen, world.ids.ownerCompleted, nobodysId()]) {
        answers.push(await world.intruder.click({ verb, data: anyData(world, interactionId) }));
      }
      const [open, completed, missing] = answers as [InvokeAnswer, InvokeAnswer, InvokeAnswer];
      expect(cardText(cardOf(missing))).toMatch(NOT_YOURS);
      expect(actionsOf(cardOf(missing))).toEqual([]);
      expect(open).toEqual(missing);
      expect(completed).toEqual(missing);
      expectNoSecret(open);
    });
  });

  it.each(ALL_VERBS)('%s: a supervisor may not act, nor read beyond show and refresh; an id that does not exist is refused the same', async (verb) => {
    await changesNothing(async () => {
      const missing = await world.supervisor.click({ verb, data: anyData(world, nobodysId()) });
      expect(cardText(cardOf(missing))).toMatch(NOT_YOURS);
      const other = await world.supervisor.click({ verb, data: anyData(world, world.ids.ownerOpen) });
      if (verb === VERBS.refresh || verb === VERBS.show) {
        // Read-only: the owner's data, no action, no word meant for the owner.
        const card = cardOf(other);
        expect(cardText(card)).toMatch(/Maria Garcia/);
        expect(cardText(card)).toMatch(/Read-only: only Ana Owner, who handles this interaction, can act on this card\./);
        expect(actionsOf(card)).toEqual([]);
        const done = cardOf(await world.supervisor.click({ verb, data: anyData(world, world.ids.ownerCompleted) }));
        expect(cardText(done)).toMatch(/Secret ACW notes/);
        expect(actionsOf(done)).toEqual([]);
      } else {
        expect(other).toEqual(missing);
      }
    });
  });

  it.each(RECORD_VERBS)("%s: on your own card, another agent's record is refused exactly like a record that does not exist", async (verb) => {
    await changesNothing(async () => {
      const others = await world.intruder.click({ verb, data: anyData(world, world.ids.intruderOpen, { recordId: DEMO.maria.id }) });
      const missing = await world.intruder.click({ verb, data: anyData(world, world.ids.intruderOpen, { recordId: 'con-does-not-exist' }) });
      expect(cardText(cardOf(missing))).toMatch(/not on this interaction's card/);
      expect(others).toEqual(missing);
      expectNoSecret(others);
    });
  });

  it.each(ALL_VERBS)('%s: wrong types and arrays are refused naming the field, the same whoever the id is', async (verb) => {
    await changesNothing(async () => {
      for (const wrap of [(id: string) => [id], (id: string) => ({ id }), () => 42, () => null]) {
        const others = await world.intruder.click({ verb, data: anyData(world, wrap(world.ids.ownerOpen)) });
        const missing = await world.intruder.click({ verb, data: anyData(world, wrap(nobodysId())) });
        expect(cardText(cardOf(others))).toMatch(/The card sent bad data: interactionId: /);
        expect(others).toEqual(missing);
      }
      // Data that is not an object at all.
      for (const data of ['[]', `["${world.ids.ownerOpen}"]`, '"x"', '7']) {
        const answer = await rawInvoke(world.bot, world.intruder, `{"action":{"type":"Action.Execute","verb":"${verb}","data":${data}},"trigger":"manual"}`);
        expect(cardText(cardOf(answer))).toMatch(/The card sent bad data/);
        expectNoSecret(answer);
      }
    });
  });

  it.each(ALL_VERBS)("%s: __proto__ and constructor keys change nothing and reach nobody's card", async (verb) => {
    await changesNothing(async () => {
      const through = (id: string) =>
        rawInvoke(
          world.bot,
          world.intruder,
          `{"action":{"type":"Action.Execute","verb":"${verb}","data":{"__proto__":{"interactionId":"${id}"},"constructor":{"prototype":{"interactionId":"${id}"}}}},"trigger":"manual"}`,
        );
      const others = await through(world.ids.ownerOpen);
      expect(cardText(cardOf(others))).toMatch(/The card sent bad data: interactionId: Required/);
      expect(others).toEqual(await through(nobodysId()));
      const beside = (id: string) =>
        rawInvoke(
          world.bot,
          world.intruder,
          `{"action":{"type":"Action.Execute","verb":"${verb}","data":${JSON.stringify(anyData(world, id)).slice(0, -1)},"__proto__":{"isAdmin":true},"constructor":"x"}},"trigger":"manual"}`,
        );
      const aimed = await beside(world.ids.ownerOpen);
      expect(cardText(cardOf(aimed))).toMatch(NOT_YOURS);
      expect(aimed).toEqual(await beside(nobodysId()));
      expect(({} as Record<string, unknown>).interactionId).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  });

  it.each(ALL_VERBS)('%s: oversized values are refused without being echoed', async (verb) => {
    await changesNothing(async () => {
      const huge = 'x'.repeat(200_000);
      for (const data of [anyData(world, huge), anyData(world, world.ids.ownerOpen, { recordId: huge, query: huge, notes: huge, fields: huge, duplicateQuery: huge })]) {
        const answer = await world.intruder.click({ verb, data });
        const json = JSON.stringify(answer.body);
        expect(cardText(cardOf(answer))).toMatch(/Refused:/);
        expect(json.length, 'a short answer').toBeLessThan(2_000);
        expect(json).not.toContain('x'.repeat(200));
      }
    });
  });

  it.each(ALL_VERBS)('%s: sent as an array, or as an Action.Submit, is a 400 that says what is wrong', async (verb) => {
    await changesNothing(async () => {
      const data = JSON.stringify(anyData(world, world.ids.intruderOpen));
      const asArray = await rawInvoke(world.bot, world.intruder, `{"action":{"type":"Action.Execute","verb":["${verb}"],"data":${data}},"trigger":"manual"}`);
      expect(asArray).toEqual({
        status: 400,
        body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'value.action.verb must be a string naming one card action.' } },
      });
      const submit = await rawInvoke(world.bot, world.intruder, `{"action":{"type":"Action.Submit","verb":"${verb}","data":${data}},"trigger":"manual"}`);
      expect(submit.status).toBe(400);
      expect(submit.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: expect.stringMatching(/Action\.Execute/) } });
    });
  });

  it('answers 400 to a card action with no action, and to an unknown verb, without echoing it', async () => {
    await changesNothing(async () => {
      for (const value of ['{}', '[]', '{"action":[]}', '{"action":"customerCard.refresh"}']) {
        const answer = await rawInvoke(world.bot, world.intruder, value);
        expect(answer.status, value).toBe(400);
        expect(answer.body?.value?.message, value).toBe('The card action is missing: value.action must be an object.');
      }
      const unknown = await world.intruder.click({ verb: `customerCard.${'y'.repeat(5_000)}`, data: {} });
      expect(unknown.status).toBe(400);
      expect(unknown.body?.value).toEqual({ code: 'BadRequest', message: 'This card action is not known to the app.' });
    });
  });

  it("the owner's completed (stale) interaction: every change is refused, nothing is sent twice", async () => {
    await changesNothing(async () => {
      for (const verb of ALL_VERBS) {
        const card = cardOf(await world.owner.click({ verb, data: anyData(world, world.ids.ownerCompleted) }));
        if (verb === VERBS.refresh || verb === VERBS.show) expect(cardText(card)).toMatch(/Secret ACW notes/);
        else if (verb === VERBS.details) expect(cardText(card)).toMatch(/Maria Garcia/);
        else expect(cardText(card), verb).toMatch(/completed; its card is read-only|already complete for this interaction; nothing was sent twice/);
      }
    });
  });

  it("replays the merge takeover: the intruder cannot list, nor merge, a card in another agent's open interaction", async () => {
    const ownersCard = cardText(await world.owner.currentCard(world.ids.ownerOpen));
    expect(ownersCard).toMatch(/Customer: \*\*Maria Garcia\*\* · 2 interactions/);
    await changesNothing(async () => {
      // The merge dialog does not offer it, whatever the intruder searches for.
      for (const duplicateQuery of ['Maria Garcia', 'Garcia', '+1 206 555 0142', '+12065550142']) {
        const found = cardOf(await world.intruder.click({ verb: VERBS.findDuplicates, data: { interactionId: world.ids.intruderOpen, duplicateQuery } }));
        expect(
          actionsOf(found).filter((a) => a.verb === VERBS.mergeCustomer),
          duplicateQuery,
        ).toEqual([]);
        expect(JSON.stringify(found)).not.toContain(world.ids.ownerCustomer);
      }
    });
    await changesNothing(async () => {
      // Merging it by its id is refused exactly like merging a card that does not exist.
      const merge = (customerId: string) => world.intruder.click({ verb: VERBS.mergeCustomer, data: { interactionId: world.ids.intruderOpen, customerId } });
      const taken = await merge(world.ids.ownerCustomer);
      expect(cardText(cardOf(taken))).toMatch(/Refused:\*\* That customer card does not exist any more \(merged already\?\), or it is in another agent's open interaction/);
      expect(taken).toEqual(await merge(nobodysId()));
      expectNoSecret(taken);
    });
    // The owner's card reads as it did.
    expect(cardText(await world.owner.currentCard(world.ids.ownerOpen))).toBe(ownersCard);
  });

  it("shows nobody but the owner any customer data in the card message, while the owner's refresh shows it all", async () => {
    const messages = world.bot.recorded.filter((r) => r.activity.attachments?.[0]?.content?.refresh?.action?.data?.interactionId === world.ids.ownerOpen);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      const card = message.activity.attachments[0].content;
      for (const secret of SECRETS) expect(JSON.stringify(card), secret).not.toContain(secret);
      expect(cardText(card)).toMatch(/Ana Owner's Customer Card/);
    }
    expect(cardText(await world.owner.refreshed(messages.at(-1)!.activity.attachments[0].content))).toMatch(/Maria Garcia/);
  });
});
