import { describe, expect, it } from 'vitest';
import type { InteractionRecordLink } from '../../src/domain/interaction.js';
import { findCustomerNotInOpenInteraction } from '../../src/store/customersRepository.js';
import { putFirstRecordLinks, putRecordLinks, recordsFromCustomerHistory, recordsFromEarlierInteractions } from '../../src/store/interactionRecordsRepository.js';
import { down, up } from '../../src/store/migrations/031_record_history.js';
import { planOf } from '../support/queryPlan.js';
import { addInteractions, AGENT, at, useStoreWithAgent } from '../support/storeRows.js';
import { STORE_BACKENDS } from '../support/stores.js';

const link = (interactionId: string, recordType: string, recordId: string): InteractionRecordLink => ({
  interactionId,
  recordType,
  recordId,
  linked: true,
  origin: 'ani',
  label: `${recordType} ${recordId}`,
  fields: {},
});

/**
 * Related Interactions of a frequent caller: the records of their latest interactions, and those linked beside a
 * record in its latest interactions, read newest first through indexes, however long the history.
 */
describe.each(STORE_BACKENDS)("a caller's history ($name)", (backend) => {
  const running = useStoreWithAgent(backend);

  /** `count` completed calls of customer cu-1, each linking contact con-1 and a case of its own, and the call in progress. */
  const frequentCaller = async (count: number) => {
    const calls = Array.from({ length: count }, (_, i) => ({ id: `call-${i}`, startedAt: at(i) }));
    await addInteractions(running.store.db, AGENT, [...calls, { id: 'current', startedAt: at(count), state: 'active' }]);
    await running.store.db
      .insertInto('customers')
      .values({ id: 'cu-1', name: 'Maria Garcia', created_at: at(0) })
      .execute();
    await running.store.db.updateTable('interactions').set({ customer_id: 'cu-1' }).execute();
    for (const call of calls) await putFirstRecordLinks(running.store.db, [link(call.id, 'contact', 'con-1'), link(call.id, 'case', `case-${call.id}`)]);
  };
  const records = (rows: Array<InteractionRecordLink & { startedAt: string }>) => rows.map((r) => `${r.startedAt} ${r.recordType} ${r.recordId}`).sort();

  it("gives the records of the latest completed interactions that linked a record, and of the customer's latest", async () => {
    await frequentCaller(300);
    // The latest earlier call is still open (in ACW): it is not history yet.
    await running.store.db.updateTable('interactions').set({ state: 'acw' }).where('id', '=', 'call-299').execute();
    const expected = [`${at(298)} case case-call-298`, `${at(298)} contact con-1`, `${at(297)} case case-call-297`, `${at(297)} contact con-1`].sort();
    expect(records(await recordsFromEarlierInteractions(running.store.db, { type: 'contact', id: 'con-1' }, 'current', 4))).toEqual(expected);
    expect(records(await recordsFromCustomerHistory(running.store.db, 'cu-1', 'current', 4))).toEqual(expected);
  });

  it('writes each record row with its interaction’s start, first links and later ones alike', async () => {
    await frequentCaller(2);
    await putRecordLinks(running.store.db, [link('current', 'case', 'case-new')]);
    const rows = await running.store.db.selectFrom('interaction_records').select(['interaction_id', 'interaction_started_at']).orderBy('interaction_id').orderBy('record_id').execute();
    expect(rows).toEqual([
      { interaction_id: 'call-0', interaction_started_at: at(0) },
      { interaction_id: 'call-0', interaction_started_at: at(0) },
      { interaction_id: 'call-1', interaction_started_at: at(1) },
      { interaction_id: 'call-1', interaction_started_at: at(1) },
      { interaction_id: 'current', interaction_started_at: at(2) },
    ]);
  });

  it('reads both through their indexes, newest first, never sorting the whole history', async () => {
    await frequentCaller(300);
    // A sort (SQLite's temporary B-tree, PostgreSQL's Sort) would mean every earlier interaction was read first.
    const byRecord = await planOf(running.store, (db) => recordsFromEarlierInteractions(db, { type: 'contact', id: 'con-1' }, 'current', 4), ['contact', 'con-1', 'current', 4]);
    expect(byRecord).toMatch(/interaction_records_by_record_time/);
    expect(byRecord).not.toMatch(/TEMP B-TREE|Sort/);
    const byCustomer = await planOf(running.store, (db) => recordsFromCustomerHistory(db, 'cu-1', 'current', 4), ['cu-1', 'current', 4]);
    expect(byCustomer).toMatch(/interactions_customer_history/);
    expect(byCustomer).not.toMatch(/TEMP B-TREE|Sort/);
    // Whether they are on a call now (a merge, the likely duplicates) is asked of the open interactions alone.
    expect(await planOf(running.store, (db) => findCustomerNotInOpenInteraction(db, 'cu-1'))).toMatch(/interactions_open_by_customer/);
  });

  it("migration 031 gives the rows written before it their interaction's start", async () => {
    const before = running.store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    await addInteractions(running.store.db, AGENT, [{ id: 'old-call', startedAt: at(5) }]);
    await running.store.db
      .insertInto('interaction_records')
      .values({ interaction_id: 'old-call', record_type: 'contact', record_id: 'con-1', linked: 1, origin: 'ani', label: 'Maria', snapshot: '{}', type_label: null })
      .execute();
    await up(before);
    expect(await running.store.db.selectFrom('interaction_records').select(['record_id', 'interaction_started_at']).execute()).toEqual([{ record_id: 'con-1', interaction_started_at: at(5) }]);
  });
});
