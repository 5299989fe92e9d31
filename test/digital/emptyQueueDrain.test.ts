import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createThreadRouter } from '../../src/digital/threadRouting.js';
import { InteractionEvents } from '../../src/interactions/interactionEvents.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { countingStatements } from '../support/statementCount.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/** Every agent who comes Available wakes the queue's drain: with nothing queued, that must not cost a read of the whole floor. */
describe.each(STORE_BACKENDS)('draining an empty conversation queue ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('looks once for a queued thread, and not at who is free', async () => {
    for (let i = 0; i < 50; i++) {
      await store.db
        .insertInto('agents')
        .values({ id: `aad-${i}`, name: `Agent ${i}`, state: 'Available', reason_code: null, state_since: '2026-12-07T09:00:00.000Z', current_interaction_id: null })
        .execute();
    }
    const { db, statements } = countingStatements(store.db);
    const router = createThreadRouter({
      unit: new UnitOfWork(db),
      cards: { currentView: () => Promise.reject(new Error('no card is drawn')) },
      poster: { post: () => undefined },
      events: new InteractionEvents(() => undefined),
      config: { concurrency: 2, agentSkills: undefined },
      logger: pino({ level: 'silent' }),
      clock: () => new Date('2026-12-07T09:00:00.000Z'),
    });
    expect(await router.drainQueue()).toBe(0);
    expect(statements()).toEqual(['SelectQueryNode']);
  });
});
