import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AGENT_HEADER } from '../../src/auth/tabIdentity.js';
import { WALLBOARD_REFUSAL } from '../../src/tab/wallboardRoutes.js';
import { cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { openEvents } from '../support/eventStream.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

const SUPERVISOR = { [LOCAL_AGENT_HEADER]: 'aad-supervisor' };

/**
 * The supervisors' views through the real product: `status` with its filters in the chat, and the tab's
 * wallboard (its routes' refusals, its first view, its live pushes, its bound).
 */
describe.each(STORE_BACKENDS)("the supervisors' status and wallboard ($name)", (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let supervisor: TeamsUser;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store);
    agent = bot.user('agent-1', 'Ana Agent');
    supervisor = bot.user('supervisor', 'Sue Supervisor');
    await agent.install();
    await supervisor.install();
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  it('refuses the wallboard to anyone not signed in (401) and to agents (403, with a reason and nothing of the board)', async () => {
    const anonymous = await fetch(`${bot.url}/api/tab/wallboard`);
    expect(anonymous.status).toBe(401);
    const agentAsks = await fetch(`${bot.url}/api/tab/wallboard`, { headers: { [LOCAL_AGENT_HEADER]: agent.aadObjectId } });
    expect(agentAsks.status).toBe(403);
    const body = await agentAsks.text();
    expect(JSON.parse(body)).toEqual({ error: 'forbidden', reason: WALLBOARD_REFUSAL });
    expect(body).not.toMatch(/Ana Agent|agents|queues/);
    const agentStream = await openEvents(`${bot.url}/api/tab/wallboard/events`, { [LOCAL_AGENT_HEADER]: agent.aadObjectId }, 'wallboard');
    expect(agentStream.status).toBe(403);
    expect(agentStream.contentType).not.toMatch(/event-stream/);
    await agentStream.close();
    // The tab learns whether to offer the wallboard from the card answer.
    const cardOf = async (who: string) => ((await (await fetch(`${bot.url}/api/tab/card`, { headers: { [LOCAL_AGENT_HEADER]: who } })).json()) as { supervisor?: boolean }).supervisor;
    expect(await cardOf(agent.aadObjectId)).toBeUndefined();
    expect(await cardOf('aad-supervisor')).toBe(true);
  });

  it("gives a supervisor every agent's state in words, the queues and (without interval reports here) says the interval is not available", async () => {
    const answer = await fetch(`${bot.url}/api/tab/wallboard`, { headers: SUPERVISOR });
    expect(answer.status).toBe(200);
    const board = (await answer.json()) as any;
    expect(board.agents.map((a: any) => [a.name, a.stateLabel])).toEqual([
      ['Ana Agent', 'Unavailable'],
      ['Sue Supervisor', 'Unavailable'],
    ]);
    expect(board.queues).toEqual({ digital: [], acd: [] });
    expect(board.interval).toBeNull();
    expect(board.intervalProblem).toBe('Interval figures are not available on this server.');
  });

  it('streams the board on connect, then again when an agent changes state and when a call arrives', async () => {
    const stream = await openEvents(`${bot.url}/api/tab/wallboard/events`, SUPERVISOR, 'wallboard');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const ana = (i: number) => stream.events[i]?.agents.find((a: any) => a.name === 'Ana Agent');
    await waitFor('the first view', () => stream.events.length === 1);
    expect(ana(0)).toMatchObject({ state: 'Unavailable', interaction: null });

    expect(await agent.sayText('unavailable lunch')).toMatch(/Unavailable/);
    await waitFor('a push after the state change', () => stream.events.some((e) => e.agents.some((a: any) => a.name === 'Ana Agent' && a.stateLabel === 'Unavailable: Lunch')));
    expect(await agent.sayText('available')).toMatch(/You are Available/);
    await waitFor('a push after Available', () => ana(stream.events.length - 1)?.state === 'Available');

    await agent.sayForCard('call (206) 555-0142');
    await waitFor('a push after the call arrived', () => ana(stream.events.length - 1)?.state === 'Working');
    expect(ana(stream.events.length - 1)).toMatchObject({ stateLabel: 'Working', interaction: { channel: 'voice', state: 'active' }, customer: 'Maria Garcia (Contoso Pharmaceuticals)' });
    await stream.close();
  });

  it('answers `status` filters and "who is on a call with…" in the chat, and lists the filters for words it does not know', async () => {
    const withContoso = await supervisor.sayCard('who is on a call with contoso');
    expect(cardText(withContoso)).toMatch(/Agent status \(1\)/);
    expect(cardText(withContoso)).toMatch(/Filter: with "contoso"/);
    expect(cardText(withContoso)).toMatch(/Ana Agent/);
    expect(cardText(withContoso)).toMatch(/Maria Garcia \(Contoso Pharmaceuticals\)/);

    const acw = await supervisor.sayCard('status acw over 5m');
    expect(cardText(acw)).toMatch(/Agent status \(0\)/);
    expect(cardText(acw)).toMatch(/Filter: After Call Work, in state over 5 min/);
    expect(cardText(acw)).toMatch(/No agent matches this filter right now/);

    const help = await supervisor.sayCard('status sleeping');
    expect(cardText(help)).toMatch(/"sleeping" is not a status filter/);
    expect(cardText(help)).toMatch(/status skill Billing/);

    // An agent is refused the same way whatever they ask: no filter list, no names.
    for (const asked of ['status working', 'who is on a call with contoso', 'status sleeping']) {
      const refused = await agent.sayText(asked);
      expect(refused).toMatch(/for supervisors/);
      expect(refused).not.toMatch(/Maria|Ana|filter/);
    }
    await agent.hangup();
  });

  it('keeps at most four live wallboards per supervisor: a fifth closes the oldest', async () => {
    const streams: Array<Awaited<ReturnType<typeof openEvents>>> = [];
    for (let i = 0; i < 5; i++) {
      const stream = await openEvents(`${bot.url}/api/tab/wallboard/events`, SUPERVISOR, 'wallboard');
      await waitFor(`wallboard ${i + 1}'s first view`, () => stream.events.length >= 1);
      streams.push(stream);
    }
    await waitFor('the oldest wallboard to end', () => streams[0]!.ended());
    expect(streams.slice(1).map((s) => s.ended())).toEqual([false, false, false, false]);
    await Promise.all(streams.map((s) => s.close()));
  });
});
