import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendContactLog, appendStateLog, contactsOfferedBetween, stateLogBetween } from '../../src/store/wfmLogRepository.js';
import type { StateLogEntry } from '../../src/domain/wfm.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const RECORDED = '2026-12-07T12:00:00.000Z';

describe.each(STORE_BACKENDS)('the workforce logs ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const state = (agentId: string, state: StateLogEntry['state'], startedAt: string, eventKey: string | null = null): StateLogEntry => ({
    agentId,
    state,
    reasonCode: state === 'Unavailable' ? 'Lunch' : null,
    startedAt,
    interactionId: null,
    source: eventKey ? 'acd' : 'teams',
    eventKey,
  });

  it('reads the state each agent was in when a span began, and every entry within it, a late entry in its place by time', async () => {
    await appendStateLog(store.db, state('ann', 'Available', '2026-12-07T07:50:00.000Z'), RECORDED);
    await appendStateLog(store.db, state('ann', 'Unavailable', '2026-12-07T07:55:00.000Z'), RECORDED);
    await appendStateLog(store.db, state('ann', 'Available', '2026-12-07T08:20:00.000Z'), RECORDED);
    // Recorded last, but it happened before the 08:20 entry: read in its place.
    await appendStateLog(store.db, state('ann', 'Working', '2026-12-07T08:05:00.000Z', 'acd:late-1'), RECORDED);
    await appendStateLog(store.db, state('bob', 'Available', '2026-12-07T09:00:00.000Z'), RECORDED);

    const entries = await stateLogBetween(store.db, '2026-12-07T08:00:00.000Z', '2026-12-07T09:00:00.000Z');
    expect(entries.map((e) => [e.agentId, e.state, e.startedAt])).toEqual([
      ['ann', 'Unavailable', '2026-12-07T07:55:00.000Z'],
      ['ann', 'Working', '2026-12-07T08:05:00.000Z'],
      ['ann', 'Available', '2026-12-07T08:20:00.000Z'],
    ]);
    expect(entries[0]!.reasonCode).toBe('Lunch');
  });

  it('records an ACD event once however often it comes', async () => {
    await appendStateLog(store.db, state('ann', 'Available', '2026-12-07T08:00:00.000Z', 'acd:e1'), RECORDED);
    await appendStateLog(store.db, state('ann', 'Available', '2026-12-07T08:00:00.000Z', 'acd:e1'), RECORDED);
    const contact = { contactKey: 'acd:twilio:WT1', step: 'offered', at: '2026-12-07T08:01:00.000Z', agentId: 'ann', skill: 'Billing', channel: 'voice', source: 'acd', eventKey: 'acd:e2' } as const;
    await appendContactLog(store.db, contact, RECORDED);
    await appendContactLog(store.db, contact, RECORDED);
    expect(await stateLogBetween(store.db, '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z')).toHaveLength(1);
    expect(await contactsOfferedBetween(store.db, '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z')).toHaveLength(1);
  });

  it('reads every step of the contacts offered in a span, also the steps after it, and no contact offered outside it', async () => {
    const step = (contactKey: string, kind: 'offered' | 'answered' | 'ended', at: string) =>
      appendContactLog(store.db, { contactKey, step: kind, at, agentId: 'ann', skill: 'Billing', channel: 'voice', source: 'simulator' }, RECORDED);
    await step('interaction:a', 'offered', '2026-12-07T08:14:59.000Z');
    await step('interaction:a', 'answered', '2026-12-07T08:15:10.000Z');
    await step('interaction:b', 'ended', '2026-12-07T08:16:00.000Z'); // its offer came later (out of order)
    await step('interaction:b', 'offered', '2026-12-07T08:15:00.000Z');
    await step('interaction:c', 'offered', '2026-12-07T08:30:00.000Z');

    const steps = await contactsOfferedBetween(store.db, '2026-12-07T08:15:00.000Z', '2026-12-07T08:30:00.000Z');
    expect(steps.map((s) => [s.contactKey, s.step, s.at])).toEqual([
      ['interaction:b', 'offered', '2026-12-07T08:15:00.000Z'],
      ['interaction:b', 'ended', '2026-12-07T08:16:00.000Z'],
    ]);
  });
});
