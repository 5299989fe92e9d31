import { describe, expect, it } from 'vitest';
import { openInteractionOf } from '../../src/store/interactionsRepository.js';
import { planOf } from '../support/queryPlan.js';
import { addInteractions, AGENT, at, useStoreWithAgent } from '../support/storeRows.js';
import { STORE_BACKENDS } from '../support/stores.js';

/** An agent's open call is read through an index of open interactions alone, however many calls the agent has had. */
describe.each(STORE_BACKENDS)("an agent's open call ($name)", (backend) => {
  const running = useStoreWithAgent(backend);

  const interactions = (rows: Array<{ id: string; channel: string; state: string; minutes: number }>) =>
    addInteractions(
      running.store.db,
      AGENT,
      rows.map(({ minutes, ...row }) => ({ ...row, startedAt: at(minutes) })),
    );

  it('is the open voice interaction: not a completed call, nor an open chat that started after it', async () => {
    const history = Array.from({ length: 300 }, (_, i) => ({ id: `done-${i}`, channel: 'voice', state: 'completed', minutes: i }));
    await interactions([...history, { id: 'on-the-phone', channel: 'voice', state: 'acw', minutes: 400 }, { id: 'a-chat', channel: 'chat', state: 'active', minutes: 401 }]);
    expect((await openInteractionOf(running.store.db, AGENT))?.id).toBe('on-the-phone');
    await running.store.db.updateTable('interactions').set({ state: 'completed' }).where('id', '=', 'on-the-phone').execute();
    expect(await openInteractionOf(running.store.db, AGENT)).toBeUndefined();
    expect(await planOf(running.store, (db) => openInteractionOf(db, AGENT), [AGENT])).toMatch(/interactions_open\b/);
  });
});
