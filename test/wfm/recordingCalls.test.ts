import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentService } from '../../src/agents/agentService.js';
import { createInteractionServices } from '../../src/interactions/interactionServices.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { actionOf, startBot, type BotHarness } from '../support/botHarness.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { contactRows, logSizes, stateRows } from './logRows.js';

describe.each(STORE_BACKENDS)('a simulated call on the workforce logs ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_SIMULATOR: 'on' });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it("logs the agent's every state (first contact, Teams, the simulator's call) and the call's every step, once each", async () => {
    const agent = bot.user('rec-1', 'Rita Recorder');
    await agent.sayText('unavailable Lunch');
    // The same state again changes nothing, and logs nothing.
    await agent.sayText('unavailable lunch');
    await agent.sayText('available');
    const { card } = await agent.sayForCard('call (206) 555-0142');
    const interactionId = card.refresh.action.data.interactionId as string;
    await agent.hangup();
    await agent.clickCard(actionOf(await agent.currentCard(interactionId), 'Complete ACW'), { disposition: 'Resolved', notes: '' });

    const call = await store.db.selectFrom('interactions').selectAll().where('id', '=', interactionId).executeTakeFirstOrThrow();
    // The simulator's offer (an event of its own, routed as an ACD's) is when the agent started Working on it.
    const offered = await store.db.selectFrom('acd_events').selectAll().where('type', '=', 'contact.offered').where('key', 'like', 'simulator:%').executeTakeFirstOrThrow();
    const states = await stateRows(store.db, 'aad-rec-1');
    expect(states).toEqual([
      { state: 'Unavailable', reason_code: null, started_at: expect.any(String), interaction_id: null, source: 'app', event_key: null },
      { state: 'Unavailable', reason_code: 'Lunch', started_at: expect.any(String), interaction_id: null, source: 'teams', event_key: null },
      { state: 'Available', reason_code: null, started_at: expect.any(String), interaction_id: null, source: 'teams', event_key: null },
      { state: 'Working', reason_code: null, started_at: offered.at, interaction_id: interactionId, source: 'simulator', event_key: offered.key },
      { state: 'ACW', reason_code: null, started_at: call.ended_at, interaction_id: interactionId, source: 'simulator', event_key: null },
      { state: 'Available', reason_code: null, started_at: call.completed_at, interaction_id: null, source: 'simulator', event_key: null },
    ]);
    const times = states.map((s) => s.started_at);
    expect([...times].sort()).toEqual(times);
    expect(times.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t))).toBe(true);

    const step = { agent_id: 'aad-rec-1', skill: '', channel: 'voice', source: 'simulator', event_key: null };
    expect(await contactRows(store.db, `interaction:${interactionId}`)).toEqual([
      // Picked up as it rang: offered and answered at one instant.
      { kind: 'offered', at: offered.at, ...step },
      { kind: 'answered', at: offered.at, ...step },
      { kind: 'ended', at: call.ended_at, ...step },
      { kind: 'acwCompleted', at: call.completed_at, ...step },
    ]);
    // The simulator's contact is logged as the call's own, not as an ACD's as well.
    expect(await store.db.selectFrom('contact_log').select('contact_key').where('contact_key', 'like', 'acd:%').execute()).toEqual([]);
  });
});

describe.each(STORE_BACKENDS)('a change that fails logs nothing ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const failing = async () => {
    throw new Error('the outbox is down');
  };

  it("an agent's state change whose transaction fails: neither the state nor its entry", async () => {
    const unit = new UnitOfWork(store.db);
    const agents = new AgentService({ unit, reasonCodes: ['Lunch'], supervisorIds: [], clock: () => new Date('2026-12-07T09:00:00.000Z'), recordOwnStateChange: failing });
    await agents.identify('ana', 'Ana');
    await expect(agents.setAvailable('ana')).rejects.toThrow('the outbox is down');
    expect((await agents.find('ana'))?.state).toBe('Unavailable');
    expect(await stateRows(store.db, 'ana')).toEqual([{ state: 'Unavailable', reason_code: null, started_at: '2026-12-07T09:00:00.000Z', interaction_id: null, source: 'app', event_key: null }]);
    // Known already: identified again, not logged again.
    await agents.identify('ana', 'Ana Again');
    expect(await logSizes(store.db)).toEqual({ states: 1, steps: 0 });
  });

  it('After Call Work whose transaction fails: the agent stays in ACW with no Available entry and no acwCompleted step; done again, both', async () => {
    const { agents, engine, events, logger, calls } = await buildServices(store);
    const broken = createInteractionServices({
      unit: new UnitOfWork(store.db),
      engine,
      logger,
      defaultRegion: 'US',
      dispositions: ['Resolved'],
      onJobsQueued: () => undefined,
      events,
      recordAcwCompleted: failing,
    });
    await agents.identify('bo', 'Bo');
    await agents.setAvailable('bo');
    const { interaction } = await calls.offerCall('bo', '+1 206 555 0142');
    await calls.hangup('bo');
    const before = await logSizes(store.db);
    await expect(broken.calls.completeAcw('bo', interaction.id, { disposition: 'Resolved', notes: '' })).rejects.toThrow('the outbox is down');
    expect((await agents.find('bo'))?.state).toBe('ACW');
    expect(await logSizes(store.db)).toEqual(before);

    await calls.completeAcw('bo', interaction.id, { disposition: 'Resolved', notes: '' });
    const call = await store.db.selectFrom('interactions').selectAll().where('id', '=', interaction.id).executeTakeFirstOrThrow();
    // A call with no ACD behind it is the app's own: its contact is the interaction.
    expect((await stateRows(store.db, 'bo')).slice(2)).toEqual([
      { state: 'Working', reason_code: null, started_at: call.started_at, interaction_id: interaction.id, source: 'app', event_key: null },
      { state: 'ACW', reason_code: null, started_at: call.ended_at, interaction_id: interaction.id, source: 'app', event_key: null },
      { state: 'Available', reason_code: null, started_at: call.completed_at, interaction_id: null, source: 'app', event_key: null },
    ]);
    expect((await contactRows(store.db, `interaction:${interaction.id}`)).map((s) => [s.kind, s.at, s.source])).toEqual([
      ['offered', call.started_at, 'app'],
      ['answered', call.started_at, 'app'],
      ['ended', call.ended_at, 'app'],
      ['acwCompleted', call.completed_at, 'app'],
    ]);
  });
});
