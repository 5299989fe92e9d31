import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { customerFor, likelyDuplicates } from '../../src/store/customersRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const NOW = '2026-11-22T08:00:00.000Z';

describe.each(STORE_BACKENDS)('likely duplicate customers ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function customer(name: string, ...identifiers: Array<{ kind: 'phone' | 'email'; value: string }>) {
    const [first, ...more] = identifiers;
    const created = await customerFor(store.db, first!, name, NOW);
    for (const identifier of more) {
      await store.db.insertInto('customer_identifiers').values({ kind: identifier.kind, value: identifier.value, customer_id: created.id }).execute();
    }
    return created;
  }

  it('finds other cards by name (any case), by any identifier value, or by the searched text; never the card itself', async () => {
    const maria = await customer('Maria Garcia', { kind: 'phone', value: '+12065550142' });
    const mobile = await customer('maria garcia', { kind: 'phone', value: '+12065550199' });
    const email = await customer('M. Garcia', { kind: 'email', value: 'maria@example.com' }, { kind: 'phone', value: '+12065550177' });
    const namesake = await customer('Mariano Garcia', { kind: 'phone', value: '+12065550100' });
    await customer('Someone Else', { kind: 'phone', value: '+12065550101' });

    const byName = await likelyDuplicates(store.db, maria.id, { names: ['Maria Garcia'], values: [] }, 8);
    expect(byName.map((c) => c.id)).toEqual([mobile.id]);

    const byValue = await likelyDuplicates(store.db, maria.id, { names: [], values: ['maria@example.com'] }, 8);
    expect(byValue).toEqual([
      {
        id: email.id,
        name: 'M. Garcia',
        identifiers: [
          { kind: 'email', value: 'maria@example.com' },
          { kind: 'phone', value: '+12065550177' },
        ],
      },
    ]);

    const byText = await likelyDuplicates(store.db, maria.id, { names: [], values: [], text: 'Mariano' }, 8);
    expect(byText.map((c) => c.id)).toEqual([namesake.id]);

    const all = await likelyDuplicates(store.db, maria.id, { names: ['maria garcia'], values: ['+12065550177'], text: 'garcia' }, 8);
    expect(all.map((c) => c.name)).toEqual(['M. Garcia', 'maria garcia', 'Mariano Garcia']);
    expect(await likelyDuplicates(store.db, maria.id, { names: [], values: [] }, 8)).toEqual([]);
    expect(await likelyDuplicates(store.db, maria.id, { names: ['maria garcia'], values: ['+12065550177'], text: 'garcia' }, 2)).toHaveLength(2);
  });

  it('looks names and identifier values up by index, not by reading every customer', async () => {
    await customer('Maria Garcia', { kind: 'phone', value: '+12065550142' });
    const plan = async (query: string) => {
      if (backend.name === 'sqlite') {
        const rows = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`).execute(store.db);
        return rows.rows.map((r) => r.detail).join('\n');
      }
      // The planner would rightly scan a table this small: forbid scans to see which index it can use.
      await sql.raw('SET enable_seqscan = off').execute(store.db);
      const rows = await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`).execute(store.db);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const byName = await plan(`select id from customers where lower(name) in ('maria garcia')`);
    const byValue = await plan(`select customer_id from customer_identifiers where value in ('+12065550142')`);
    expect(byName).toMatch(/customers_by_lower_name/);
    expect(byValue).toMatch(/customer_identifiers_by_value/);
  });
});
