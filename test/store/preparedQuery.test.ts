import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedQuery, preparedShapes } from '../../src/store/preparedQuery.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const NOW = '2026-12-07T10:00:00.000Z';

// An agent row as the queries below write it: the state is a constant of the query, not a value.
const insertAgent = preparedQuery<{ id: string; name: string; since: string }>()((db, value) =>
  db
    .insertInto('agents')
    .values({ id: value('id'), name: value('name'), state: 'Unavailable', reason_code: null, state_since: value('since'), current_interaction_id: null, teams_user_id: null })
    .onConflict((oc) => oc.column('id').doNothing()),
);
const renameAgent = preparedQuery<{ id: string; name: string }>()((db, value) =>
  db
    .updateTable('agents')
    .set({ name: value('name') })
    .where('id', '=', value('id'))
    .returning(['id', 'name']),
);
const agentsNamed = preparedQuery<{ name: string }>()((db, value) => db.selectFrom('agents').select(['id', 'state']).where('name', '=', value('name')).orderBy('id'));

// An update of the columns given: one prepared query per set of columns.
type AgentColumns = { name?: string; reason_code?: string | null };
const made: string[] = [];
const updateOf = preparedShapes(
  (columns: ReadonlyArray<keyof AgentColumns>) => columns.join(),
  (columns) => {
    made.push(columns.join());
    return preparedQuery<AgentColumns & { id: string }>()((db, value) => db.updateTable('agents').set(value.row(columns)).where('id', '=', value('id')).returning(['name', 'reason_code']));
  },
);

// An `in` list of as many ids as the query was prepared for.
const agentsAmong = preparedShapes(String, (count: number) =>
  preparedQuery<{ ids: string[] }>()((db, value) => db.selectFrom('agents').select('id').where('id', 'in', value.list('ids', count)).orderBy('id')),
);

describe.each(STORE_BACKENDS)('a prepared query ($name)', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('runs with each call its own values, and keeps the constants of the query', async () => {
    expect(await insertAgent.changed(store.db, { id: 'p-1', name: 'Ana', since: NOW })).toBe(1);
    expect(await insertAgent.changed(store.db, { id: 'p-2', name: 'Ana', since: NOW })).toBe(1);
    // The conflict clause is the query's own: the same id again changes nothing.
    expect(await insertAgent.changed(store.db, { id: 'p-1', name: 'Other', since: NOW })).toBe(0);
    expect(await agentsNamed.rows(store.db, { name: 'Ana' })).toEqual([
      { id: 'p-1', state: 'Unavailable' },
      { id: 'p-2', state: 'Unavailable' },
    ]);
    expect(await agentsNamed.rows(store.db, { name: 'Other' })).toEqual([]);
    expect(await renameAgent.first(store.db, { id: 'p-2', name: 'Bo' })).toEqual({ id: 'p-2', name: 'Bo' });
    expect(await renameAgent.first(store.db, { id: 'p-9', name: 'Bo' })).toBeUndefined();
  });

  it('runs in a transaction, and what the transaction rolls back is gone', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await insertAgent.run(trx, { id: 'p-3', name: 'Cy', since: NOW });
        expect(await agentsNamed.rows(trx, { name: 'Cy' })).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await agentsNamed.rows(store.db, { name: 'Cy' })).toEqual([]);
  });

  it('refuses a query a value did not reach as itself', async () => {
    // The value turned into text before it reached the query: the stand-in, not the call's value, would be stored.
    const lost = preparedQuery<{ id: string; name: string }>()((db, value) =>
      db
        .updateTable('agents')
        .set({ name: JSON.stringify(value('name')) })
        .where('id', '=', value('id')),
    );
    await expect(lost.run(store.db, { id: 'p-1', name: 'Ana' })).rejects.toThrow(/name did not reach the query as a value/);
    expect(await agentsNamed.rows(store.db, { name: 'Ana' })).toHaveLength(1);
  });

  it("goes through a Kysely's plugins, as a query built at each call would", async () => {
    await insertAgent.run(store.db, { id: 'p-4', name: 'Di', since: NOW }); // compiled already, without the plugin
    const seen: string[] = [];
    const renamed: KyselyPlugin = {
      transformQuery: (args) => (seen.push(args.node.kind), args.node),
      transformResult: async (args) => ({ ...args.result, rows: args.result.rows.map((row) => ({ ...row, name: `${String(row.name)} (seen)` })) }),
    };
    const withPlugin = store.db.withPlugin(renamed);
    expect(await renameAgent.first(withPlugin, { id: 'p-4', name: 'Dee' })).toEqual({ id: 'p-4', name: 'Dee (seen)' });
    expect(await renameAgent.first(withPlugin, { id: 'p-4', name: 'Dia' })).toEqual({ id: 'p-4', name: 'Dia (seen)' });
    expect(seen).toEqual(['UpdateQueryNode', 'UpdateQueryNode']);
    expect(await renameAgent.first(store.db, { id: 'p-4', name: 'Di' })).toEqual({ id: 'p-4', name: 'Di' });
  });

  it('prepares a query per shape, once each (for every database)', async () => {
    await insertAgent.run(store.db, { id: 'p-5', name: 'Ed', since: NOW });
    expect(await updateOf(['name']).first(store.db, { id: 'p-5', name: 'Eddie' })).toEqual({ name: 'Eddie', reason_code: null });
    expect(await updateOf(['reason_code']).first(store.db, { id: 'p-5', reason_code: 'Lunch' })).toEqual({ name: 'Eddie', reason_code: 'Lunch' });
    expect(await updateOf(['name', 'reason_code']).first(store.db, { id: 'p-5', name: 'Ed', reason_code: null })).toEqual({ name: 'Ed', reason_code: null });
    expect(await updateOf(['name']).first(store.db, { id: 'p-5', name: 'Edd' })).toEqual({ name: 'Edd', reason_code: null });
    expect(made).toEqual(['name', 'reason_code', 'name,reason_code']);
  });

  it('takes a list value item by item', async () => {
    await insertAgent.run(store.db, { id: 'p-6', name: 'Fay', since: NOW });
    expect(await agentsAmong(2).rows(store.db, { ids: ['p-6', 'p-1'] })).toEqual([{ id: 'p-1' }, { id: 'p-6' }]);
    expect(await agentsAmong(2).rows(store.db, { ids: ['p-6', 'nobody'] })).toEqual([{ id: 'p-6' }]);
    expect(await agentsAmong(1).rows(store.db, { ids: ['p-1'] })).toEqual([{ id: 'p-1' }]);
  });
});
