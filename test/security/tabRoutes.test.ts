import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AGENT_HEADER } from '../../src/auth/tabIdentity.js';
import { VERBS } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionsOf, cardText, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ALL_VERBS, anyData, buildWorld, nobodysId, NOT_YOURS, RECORD_VERBS, SECRETS, type OwnershipWorld } from './ownershipWorld.js';

interface Answer {
  status: number;
  body: any;
  text: string;
}

/**
 * The personal tab's routes, as the tab drives them (the local identity, as without BOT_ID), by someone
 * who does not own the interaction: every verb through POST /api/tab/action with another agent's ids, ids
 * that do not exist, wrong types, arrays, `__proto__` keys and oversized values; the GET routes with ids
 * they do not take. Each checks the status, the body (the same for "someone else's" as for "does not
 * exist"), that nothing changed, and that /healthz stays 200.
 */
describe.each(STORE_BACKENDS)('tab routes on what is not yours ($name)', (backend) => {
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

  async function request(user: TeamsUser, path: string, body?: string): Promise<Answer> {
    const response = await fetch(`${world.bot.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { [LOCAL_AGENT_HEADER]: user.aadObjectId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  }

  const act = (user: TeamsUser, verb: unknown, data: unknown) => request(user, '/api/tab/action', JSON.stringify({ verb, data }));

  /** An action's answer, without its revision (a counter that differs on every answer). */
  function answered(answer: Answer): { view: string; interactionId: string | null; card: any } {
    expect(answer.status).toBe(200);
    const { revision, ...rest } = answer.body;
    expect(typeof revision).toBe('number');
    return rest;
  }

  function expectNoSecret(answer: Answer): void {
    // Without the revision: a number taken from the clock, whose digits once held the caller's "0142".
    const text = answer.text.replace(/"revision":\d+/g, '"revision":0');
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  }

  async function changesNothing<T>(attack: () => Promise<T>): Promise<T> {
    const before = await world.snapshot();
    const sent = world.sent();
    const result = await attack();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await world.snapshot()).toEqual(before);
    expect(world.sent(), 'no message sent or updated').toBe(sent);
    expect(await world.healthz()).toBe(200);
    return result;
  }

  it.each(ALL_VERBS)("%s: another agent's interaction (open or completed) is refused exactly like an id that does not exist", async (verb) => {
    await changesNothing(async () => {
      const missingId = nobodysId();
      const missing = answered(await act(world.intruder, verb, anyData(world, missingId)));
      expect(cardText(missing.card)).toMatch(NOT_YOURS);
      expect(actionsOf(missing.card)).toEqual([]);
      for (const id of [world.ids.ownerOpen, world.ids.ownerCompleted]) {
        const answer = await act(world.intruder, verb, anyData(world, id));
        expectNoSecret(answer);
        expect(answered(answer)).toEqual({ ...missing, interactionId: id });
      }
    });
  });

  it.each(RECORD_VERBS)("%s: on your own card, another agent's record is refused exactly like a record that does not exist", async (verb) => {
    await changesNothing(async () => {
      const others = answered(await act(world.intruder, verb, anyData(world, world.ids.intruderOpen, { recordId: DEMO.maria.id })));
      const missing = answered(await act(world.intruder, verb, anyData(world, world.ids.intruderOpen, { recordId: 'con-does-not-exist' })));
      expect(cardText(missing.card)).toMatch(/not on this interaction's card/);
      expect(others).toEqual(missing);
    });
  });

  it.each(ALL_VERBS)('%s: wrong types, arrays, __proto__ keys and oversized values: refused, named, never echoed whole', async (verb) => {
    await changesNothing(async () => {
      for (const wrap of [(id: string) => [id], (id: string) => ({ id }), () => 42]) {
        const others = answered(await act(world.intruder, verb, anyData(world, wrap(world.ids.ownerOpen))));
        expect(cardText(others.card)).toMatch(/The card sent bad data: interactionId: /);
        expect(others).toEqual(answered(await act(world.intruder, verb, anyData(world, wrap(nobodysId())))));
      }
      // The request itself malformed: 400, naming the field.
      for (const [body, problem] of [
        [JSON.stringify({ verb: [verb], data: anyData(world, world.ids.ownerOpen) }), 'bad action: verb: Expected string, received array'],
        [JSON.stringify({ verb, data: [world.ids.ownerOpen] }), 'bad action: data: Expected object, received array'],
        [JSON.stringify([verb]), 'bad action: Expected object, received array'],
      ] as const) {
        const answer = await request(world.intruder, '/api/tab/action', body);
        expect(answer.status, body).toBe(400);
        expect(answer.body, body).toEqual({ error: problem });
      }
      const proto = await request(world.intruder, '/api/tab/action', `{"verb":"${verb}","data":{"__proto__":{"interactionId":"${world.ids.ownerOpen}"}},"__proto__":{"verb":"${verb}"}}`);
      expect(cardText(answered(proto).card)).toMatch(/The card sent bad data: interactionId: Required/);
      expect(({} as Record<string, unknown>).interactionId).toBeUndefined();

      const huge = 'x'.repeat(200_000);
      for (const data of [anyData(world, huge), anyData(world, world.ids.ownerOpen, { recordId: huge, query: huge, notes: huge })]) {
        const answer = await act(world.intruder, verb, data);
        expect(answer.status).toBe(200);
        expect(answer.body.interactionId).toBe(data.interactionId === huge ? null : world.ids.ownerOpen);
        expect(answer.text.length).toBeLessThan(2_000);
      }
      const hugeVerb = await act(world.intruder, `${verb}${huge}`, anyData(world, world.ids.intruderOpen));
      expect(hugeVerb.status).toBe(400);
      expect(hugeVerb.text.length).toBeLessThan(500);
    });
  });

  it("a supervisor reads another agent's card read-only through the tab; a missing id is refused as for anyone", async () => {
    await changesNothing(async () => {
      const read = answered(await act(world.supervisor, VERBS.refresh, { interactionId: world.ids.ownerOpen }));
      expect(cardText(read.card)).toMatch(/Maria Garcia/);
      expect(actionsOf(read.card)).toEqual([]);
      const link = answered(await act(world.supervisor, VERBS.link, anyData(world, world.ids.ownerOpen)));
      expect(cardText(link.card)).toMatch(NOT_YOURS);
      const missing = answered(await act(world.supervisor, VERBS.refresh, { interactionId: nobodysId() }));
      expect(cardText(missing.card)).toMatch(NOT_YOURS);
    });
  });

  it('the GET routes show the caller their own card only, whatever id they are given', async () => {
    await changesNothing(async () => {
      for (const query of ['', `?interactionId=${world.ids.ownerOpen}`, `?id=${world.ids.ownerOpen}&agent=aad-owner-a`]) {
        const card = await request(world.intruder, `/api/tab/card${query}`);
        expect(card.status).toBe(200);
        expect(card.body.interactionId).toBe(world.ids.intruderOpen);
        expect(card.body.agent.id).toBe('aad-intruder-b');
        expectNoSecret(card);
      }
      // The live stream: its first event is the caller's own card.
      const controller = new AbortController();
      const events = await fetch(`${world.bot.url}/api/tab/events?interactionId=${world.ids.ownerOpen}`, { headers: { [LOCAL_AGENT_HEADER]: world.intruder.aadObjectId }, signal: controller.signal });
      expect(events.status).toBe(200);
      const reader = events.body!.getReader();
      let text = '';
      while (!text.includes('event: card')) text += new TextDecoder().decode((await reader.read()).value);
      while (!/event: card\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      const first = JSON.parse(/event: card\ndata: (.*)\n\n/.exec(text)![1]!);
      expect(first.interactionId).toBe(world.ids.intruderOpen);
      for (const secret of SECRETS) expect(JSON.stringify(first), secret).not.toContain(secret);
    });
  });

  it("the local identity picker's list (only without BOT_ID) names agents and their states, and no interaction or customer", async () => {
    await changesNothing(async () => {
      const list = await request(world.intruder, '/api/tab/agents');
      expect(list.status).toBe(200);
      expect(list.body.agents.map((a: any) => Object.keys(a).sort())).toEqual(list.body.agents.map(() => ['id', 'name', 'state']));
      expectNoSecret(list);
      for (const id of Object.values(world.ids)) expect(list.text).not.toContain(id);
    });
  });

  it('an identity that is not an agent id, or none, is 401 on every route, with nothing else said', async () => {
    await changesNothing(async () => {
      for (const header of [undefined, 'a'.repeat(5_000), 'two words']) {
        for (const [method, path] of [
          ['GET', '/api/tab/card'],
          ['POST', '/api/tab/action'],
          ['GET', '/api/tab/events'],
        ] as const) {
          const response = await fetch(`${world.bot.url}${path}`, {
            method,
            headers: { ...(header === undefined ? {} : { [LOCAL_AGENT_HEADER]: header }), 'content-type': 'application/json' },
            body: method === 'POST' ? JSON.stringify({ verb: VERBS.refresh, data: { interactionId: world.ids.ownerOpen } }) : undefined,
          });
          const text = await response.text();
          expect(response.status, `${method} ${path}`).toBe(401);
          expect(text.length).toBeLessThan(300);
          for (const secret of SECRETS) expect(text).not.toContain(secret);
        }
      }
    });
  });
});
