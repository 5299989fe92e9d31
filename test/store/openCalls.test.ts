import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInteractionOf } from '../../src/store/interactionsRepository.js';
import { planOf } from '../support/queryPlan.js';
import { addAgent, addInteractions } from '../support/storeRows.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const BASE = Date.parse('2026-12-07T09:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

/** An agent's open call is read through an index of open calls alone, however many calls the agent has had. */
describe.each(STORE_BACKENDS)("an agent's open call ($name)", (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    await addAgent(store.db, 'agent-1', at(0));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const interactions = (rows: Array<{ id: string; channel: string; state: string; minutes: number }>) =>
    addInteractions(
      store.db,
      'agent-1',
      rows.map(({ minutes, ...row }) => ({ ...row, startedAt: at(minutes) })),
    );

  it('is the open voice interaction: not a completed call, nor an open chat that started after it', async () => {
    const history = Array.from({ length: 300 }, (_, i) => ({ id: `done-${i}`, channel: 'voice', state: 'completed', minutes: i }));
    await interactions([...history, { id: 'on-the-phone', channel: 'voice', state: 'acw', minutes: 400 }, { id: 'a-chat', channel: 'chat', state: 'active', minutes: 401 }]);
    expect((await openInteractionOf(store.db, 'agent-1'))?.id).toBe('on-the-phone');
    await store.db.updateTable('interactions').set({ state: 'completed' }).where('id', '=', 'on-the-phone').execute();
    expect(await openInteractionOf(store.db, 'agent-1')).toBeUndefined();
    expect(await planOf(store, (db) => openInteractionOf(db, 'agent-1'), ['agent-1'])).toMatch(/interactions_open_calls/);
  });
});
