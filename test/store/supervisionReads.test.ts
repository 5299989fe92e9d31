import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putAcdContact } from '../../src/store/acdRepository.js';
import { putFirstRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { openInteractionsOfAgents, recordsOfOpenInteractions, waitingInQueues } from '../../src/store/supervisionRepository.js';
import { planOf } from '../support/queryPlan.js';
import { addAgent, addInteractions } from '../support/storeRows.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const BASE = Date.parse('2026-12-07T09:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

/** The supervisors' wallboard reads what is open now through indexes of open rows alone, however much history is kept. */
describe.each(STORE_BACKENDS)("the wallboard's reads ($name)", (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    await addAgent(store.db, 'agent-1', at(0));
    // A center's history: 1,000 completed calls, each with its caller's contact record; then two calls on now.
    const history = Array.from({ length: 1000 }, (_, i) => ({ id: `done-${i}`, startedAt: at(i) }));
    await addInteractions(store.db, 'agent-1', [...history, { id: 'on-call', startedAt: at(1001), state: 'active' }, { id: 'in-acw', startedAt: at(1000), state: 'acw' }]);
    for (const { id } of [...history, { id: 'on-call' }, { id: 'in-acw' }]) {
      await putFirstRecordLinks(store.db, [{ interactionId: id, recordType: 'contact', recordId: `con-${id}`, linked: true, origin: 'ani', label: `Caller of ${id}`, fields: {}, role: 'person' }]);
    }
    for (let i = 0; i < 300; i++)
      await putAcdContact(store.db, {
        contact_id: `old-${i}`,
        source: 'acd',
        agent_id: 'agent-1',
        agent_at: at(i),
        phase: 'acwCompleted',
        phase_at: at(i),
        channel: 'voice',
        ani: null,
        dnis: null,
        skill: 'Billing',
        disposition: null,
        notes: null,
      });
    await putAcdContact(store.db, {
      contact_id: 'ringing',
      source: 'acd',
      agent_id: 'agent-1',
      agent_at: at(1002),
      phase: 'offered',
      phase_at: at(1002),
      channel: 'voice',
      ani: null,
      dnis: null,
      skill: 'Billing',
      disposition: null,
      notes: null,
    });
    // PostgreSQL chooses by its statistics, which its autovacuum gathers on a live database.
    if (backend.name === 'postgres') await sql`analyze`.execute(store.db);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('gives the open interactions, oldest first, and their records', async () => {
    expect((await openInteractionsOfAgents(store.db)).map((i) => [i.id, i.state])).toEqual([
      ['in-acw', 'acw'],
      ['on-call', 'active'],
    ]);
    expect((await recordsOfOpenInteractions(store.db)).map((r) => [r.interactionId, r.label])).toEqual([
      ['in-acw', 'Caller of in-acw'],
      ['on-call', 'Caller of on-call'],
    ]);
    expect((await waitingInQueues(store.db, at(0))).acd).toEqual([{ skill: 'Billing', channel: 'voice', count: 1, oldestSince: at(1002) }]);
  });

  it('reads them through the indexes of open interactions and of contacts still offered', async () => {
    expect(await planOf(store, (db) => openInteractionsOfAgents(db))).toMatch(/interactions_open\b/);
    expect(await planOf(store, (db) => recordsOfOpenInteractions(db))).toMatch(/interactions_open\b/);
    expect(await planOf(store, (db) => waitingInQueues(db, at(0)))).toMatch(/acd_contacts_offered/);
  });
});
