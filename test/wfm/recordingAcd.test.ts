import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ACD_SECRET, event, postAcd, uniqueId } from '../acd/acdClient.js';
import { contactRows, stateRows } from './logRows.js';

describe.each(STORE_BACKENDS)("an ACD's day on the workforce logs ($name)", (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let n = 0;
  /** The events' times: a little after now, so the agents' own entries (at the clock) come first. */
  const base = Date.now() + 60_000;
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_SIMULATOR: 'off' });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  const newAgent = async (): Promise<TeamsUser> => {
    const user = bot.user(`wfm-agent-${++n}`, `WFM Agent ${n}`);
    await user.sayText('unavailable Lunch');
    return user;
  };
  /** Posts events (one request); every one must be answered with its outcome, in order. */
  const send = async (outcomes: string[], ...events: Array<Record<string, unknown>>) => {
    const answer = await postAcd(bot.url, events.length === 1 ? events[0] : { events });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(outcomes);
  };
  const agentOf = (user: TeamsUser) => ({ aadObjectId: user.aadObjectId });
  const stateEvent = (user: TeamsUser, seconds: number, state: string, reasonCode?: string) => event('agent.state', base, seconds, { agent: agentOf(user), state, ...(reasonCode && { reasonCode }) });
  const contactEvent = (type: string, user: TeamsUser, contactId: string, seconds: number, extra: Record<string, unknown> = {}) =>
    event(type, base, seconds, { agent: agentOf(user), contact: { id: contactId, ...(type === 'contact.offered' && { channel: 'voice', ani: DEMO.contoso.phone, skill: 'Billing' }) }, ...extra });
  const key = (e: Record<string, unknown>) => `default:${e.id as string}`;
  const interactionOf = async (contactId: string, user: TeamsUser) =>
    (await store.db.selectFrom('interactions').select('id').where('acd_contact_id', '=', contactId).where('agent_id', '=', user.aadObjectId).executeTakeFirstOrThrow()).id;

  it("logs each state at the ACD's time with its key: a retry once, a late state in its place (the current one kept), a held one when it applies", async () => {
    const agent = await newAgent();
    const contactId = uniqueId('wfm-call');
    const available = stateEvent(agent, 0, 'Available');
    const offered = contactEvent('contact.offered', agent, contactId, 10);
    const answered = contactEvent('contact.answered', agent, contactId, 12);
    const ended = contactEvent('contact.ended', agent, contactId, 70);
    const acwCompleted = contactEvent('contact.acwCompleted', agent, contactId, 100, { disposition: 'Resolved' });
    const onBreak = stateEvent(agent, 120, 'Unavailable', 'break');
    const late = stateEvent(agent, 110, 'Unavailable', 'LUNCH');

    await send(['applied'], available);
    // The same state again: applied, and nothing to log.
    await send(['applied'], stateEvent(agent, 5, 'Available'));
    await send(['applied', 'applied'], offered, answered);
    await send(['applied'], ended);
    // Said while the agent is in ACW: held, and logged only when it applies (once the contact is done).
    await send(['held'], onBreak);
    await send(['applied'], acwCompleted);
    // The ACD retries: nothing twice.
    await send(['duplicate', 'duplicate'], ended, onBreak);
    // Older than the state already applied (Break at +120): still the ACD's word for +110.
    await send(['superseded'], late);

    const interactionId = await interactionOf(contactId, agent);
    const states = await stateRows(store.db, agent.aadObjectId);
    expect(states.slice(0, 2).map((s) => [s.state, s.reason_code, s.source])).toEqual([
      ['Unavailable', null, 'app'],
      ['Unavailable', 'Lunch', 'teams'],
    ]);
    expect(states.slice(2)).toEqual([
      { state: 'Available', reason_code: null, started_at: at(0), interaction_id: null, source: 'acd', event_key: key(available) },
      { state: 'Working', reason_code: null, started_at: at(10), interaction_id: interactionId, source: 'acd', event_key: key(offered) },
      { state: 'ACW', reason_code: null, started_at: at(70), interaction_id: interactionId, source: 'acd', event_key: key(ended) },
      { state: 'Available', reason_code: null, started_at: at(100), interaction_id: null, source: 'acd', event_key: key(acwCompleted) },
      // Reason codes in our spelling.
      { state: 'Unavailable', reason_code: 'Lunch', started_at: at(110), interaction_id: null, source: 'acd', event_key: key(late) },
      { state: 'Unavailable', reason_code: 'Break', started_at: at(120), interaction_id: null, source: 'acd', event_key: null },
    ]);
    const now = await store.db.selectFrom('agents').selectAll().where('id', '=', agent.aadObjectId).executeTakeFirstOrThrow();
    expect([now.state, now.reason_code, now.state_since]).toEqual(['Unavailable', 'Break', at(120)]);

    const step = { agent_id: agent.aadObjectId, skill: 'Billing', channel: 'voice', source: 'acd' };
    expect(await contactRows(store.db, `acd:default:${contactId}`)).toEqual([
      { kind: 'offered', at: at(10), ...step, event_key: key(offered) },
      { kind: 'answered', at: at(12), ...step, event_key: key(answered) },
      { kind: 'ended', at: at(70), ...step, event_key: key(ended) },
      { kind: 'acwCompleted', at: at(100), ...step, event_key: key(acwCompleted) },
    ]);
    // Nothing of it under the interaction's own key: the ACD's events are the contact's steps.
    expect(await contactRows(store.db, `interaction:${interactionId}`)).toEqual([]);
  });

  it('logs an ended that comes before its answered, each at its own time; the state moves only forward', async () => {
    const agent = await newAgent();
    const contactId = uniqueId('wfm-call');
    const offered = contactEvent('contact.offered', agent, contactId, 200);
    const answered = contactEvent('contact.answered', agent, contactId, 202);
    const ended = contactEvent('contact.ended', agent, contactId, 260);
    // The ACD's offer makes the agent Available first (it routed the call to them), then Working.
    await send(['applied'], offered);
    await send(['applied'], ended);
    await send(['superseded'], answered);

    const interactionId = await interactionOf(contactId, agent);
    expect((await stateRows(store.db, agent.aadObjectId)).slice(2)).toEqual([
      { state: 'Available', reason_code: null, started_at: at(200), interaction_id: null, source: 'acd', event_key: null },
      { state: 'Working', reason_code: null, started_at: at(200), interaction_id: interactionId, source: 'acd', event_key: key(offered) },
      { state: 'ACW', reason_code: null, started_at: at(260), interaction_id: interactionId, source: 'acd', event_key: key(ended) },
    ]);
    expect((await contactRows(store.db, `acd:default:${contactId}`)).map((s) => [s.kind, s.at, s.event_key])).toEqual([
      ['offered', at(200), key(offered)],
      ['answered', at(202), key(answered)],
      ['ended', at(260), key(ended)],
    ]);
  });

  it("logs a transfer as the new agent's, and an abandon as the ACD said it; each agent's states follow", async () => {
    const first = await newAgent();
    const second = await newAgent();
    await send(['applied'], stateEvent(first, 290, 'Available'));
    await send(['applied'], stateEvent(second, 290, 'Available'));
    const contactId = uniqueId('wfm-call');
    const offered = contactEvent('contact.offered', first, contactId, 300);
    const transferred = contactEvent('contact.transferred', second, contactId, 320);
    const abandoned = contactEvent('contact.abandoned', second, contactId, 330);
    await send(['applied'], offered);
    await send(['applied'], transferred);
    await send(['applied'], abandoned);

    const firstCall = await interactionOf(contactId, first);
    const secondCall = await interactionOf(contactId, second);
    expect((await stateRows(store.db, first.aadObjectId)).slice(3)).toEqual([
      { state: 'Working', reason_code: null, started_at: at(300), interaction_id: firstCall, source: 'acd', event_key: key(offered) },
      // One event keys one entry: the transfer's key is the new agent's.
      { state: 'Available', reason_code: null, started_at: at(320), interaction_id: null, source: 'acd', event_key: null },
    ]);
    expect((await stateRows(store.db, second.aadObjectId)).slice(3)).toEqual([
      { state: 'Working', reason_code: null, started_at: at(320), interaction_id: secondCall, source: 'acd', event_key: key(transferred) },
      { state: 'Available', reason_code: null, started_at: at(330), interaction_id: null, source: 'acd', event_key: key(abandoned) },
    ]);
    expect((await contactRows(store.db, `acd:default:${contactId}`)).map((s) => [s.kind, s.at, s.agent_id, s.skill, s.event_key])).toEqual([
      ['offered', at(300), first.aadObjectId, 'Billing', key(offered)],
      ['transferred', at(320), second.aadObjectId, 'Billing', key(transferred)],
      ['abandoned', at(330), second.aadObjectId, 'Billing', key(abandoned)],
    ]);
  });
});
