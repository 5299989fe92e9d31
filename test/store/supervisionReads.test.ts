import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { putAcdContact } from '../../src/store/acdRepository.js';
import { putFirstRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { openInteractionsOfAgents, recordsOfOpenInteractions, waitingInQueues } from '../../src/store/supervisionRepository.js';
import { planOf } from '../support/queryPlan.js';
import { acdContact, addInteractions, AGENT, at, useStoreWithAgent } from '../support/storeRows.js';
import { STORE_BACKENDS } from '../support/stores.js';

/** The supervisors' wallboard reads what is open now through indexes of open rows alone, however much history is kept. */
describe.each(STORE_BACKENDS)("the wallboard's reads ($name)", (backend) => {
  const running = useStoreWithAgent(backend);
  beforeEach(async () => {
    // A center's history: 1,000 completed calls, each with its caller's contact record; then two calls on now.
    const history = Array.from({ length: 1000 }, (_, i) => ({ id: `done-${i}`, startedAt: at(i) }));
    await addInteractions(running.store.db, AGENT, [...history, { id: 'on-call', startedAt: at(1001), state: 'active' }, { id: 'in-acw', startedAt: at(1000), state: 'acw' }]);
    for (const { id } of [...history, { id: 'on-call' }, { id: 'in-acw' }]) {
      await putFirstRecordLinks(running.store.db, [
        { interactionId: id, recordType: 'contact', recordId: `con-${id}`, linked: true, origin: 'ani', label: `Caller of ${id}`, fields: {}, role: 'person' },
      ]);
    }
    for (let i = 0; i < 300; i++) await putAcdContact(running.store.db, acdContact(`old-${i}`, i, 'acwCompleted', 'Billing'));
    await putAcdContact(running.store.db, acdContact('ringing', 1002, 'offered', 'Billing'));
    // PostgreSQL chooses by its statistics, which its autovacuum gathers on a live database.
    if (backend.name === 'postgres') await sql`analyze`.execute(running.store.db);
  });

  it('gives the open interactions, oldest first, and their records', async () => {
    expect((await openInteractionsOfAgents(running.store.db)).map((i) => [i.id, i.state])).toEqual([
      ['in-acw', 'acw'],
      ['on-call', 'active'],
    ]);
    expect((await recordsOfOpenInteractions(running.store.db)).map((r) => [r.interactionId, r.label])).toEqual([
      ['in-acw', 'Caller of in-acw'],
      ['on-call', 'Caller of on-call'],
    ]);
    expect((await waitingInQueues(running.store.db, at(0))).acd).toEqual([{ skill: 'Billing', channel: 'voice', count: 1, oldestSince: at(1002) }]);
  });

  it('reads them through the indexes of open interactions and of contacts still offered', async () => {
    // Either index of open interactions alone (by agent, or by customer) holds what the wallboard reads.
    const openOnly = /interactions_open(_by_customer)?\b/;
    expect(await planOf(running.store, (db) => openInteractionsOfAgents(db))).toMatch(openOnly);
    expect(await planOf(running.store, (db) => recordsOfOpenInteractions(db))).toMatch(openOnly);
    expect(await planOf(running.store, (db) => waitingInQueues(db, at(0)))).toMatch(/acd_contacts_offered/);
  });
});
