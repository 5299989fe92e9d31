import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routingCandidates } from '../../src/store/threadsRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const NOW = '2026-12-07T09:00:00.000Z';

/** Whom a thread may go to is narrowed in the database (a floor has thousands of Available agents): room, skill, a page. */
describe.each(STORE_BACKENDS)('routing candidates ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    const agent = (id: string, state: string, email: string | null = null) => ({
      id,
      name: `Agent ${id}`,
      state,
      reason_code: null,
      state_since: NOW,
      current_interaction_id: null,
      teams_user_id: null,
      email,
    });
    await store.db
      .insertInto('agents')
      .values([agent('a1', 'Available', 'Ann@Example.com'), agent('a2', 'Available'), agent('a3', 'Available'), agent('a4', 'Unavailable')])
      .execute();
    // a1 has two open chats and a finished one; a2 one open chat and a call (calls do not count).
    const interaction = (id: string, agentId: string, channel: string, state: string) => ({
      id,
      agent_id: agentId,
      channel,
      ani: '',
      state,
      configuration_id: 'default',
      match_state: 'none',
      started_at: NOW,
      ended_at: null,
      completed_at: null,
      disposition: null,
      notes: null,
      card_activity_id: null,
      last_notice: null,
      customer_id: null,
    });
    await store.db
      .insertInto('interactions')
      .values([
        interaction('i1', 'a1', 'chat', 'active'),
        interaction('i2', 'a1', 'chat', 'active'),
        interaction('i3', 'a1', 'chat', 'completed'),
        interaction('i4', 'a2', 'chat', 'active'),
        interaction('i5', 'a2', 'voice', 'active'),
      ])
      .execute();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const ids = (rows: Array<{ id: string; load: number }>) => rows.map((r) => [r.id, r.load]);

  it('gives the Available agents with their open conversations, narrowed by room, by id or email, and to a page', async () => {
    expect(ids(await routingCandidates(store.db))).toEqual([
      ['a1', 2],
      ['a2', 1],
      ['a3', 0],
    ]);
    expect(ids(await routingCandidates(store.db, { maxLoad: 2 }))).toEqual([
      ['a2', 1],
      ['a3', 0],
    ]);
    expect(ids(await routingCandidates(store.db, { keys: ['ann@example.com', 'a3', 'a4'] }))).toEqual([
      ['a1', 2],
      ['a3', 0],
    ]);
    expect(ids(await routingCandidates(store.db, { maxLoad: 2, keys: ['ann@example.com'] }))).toEqual([]);
    expect(await routingCandidates(store.db, { keys: [] })).toEqual([]);
    expect(ids(await routingCandidates(store.db, { limit: 2 }))).toEqual([
      ['a1', 2],
      ['a2', 1],
    ]);
  });
});
