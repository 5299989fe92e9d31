import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFor, recordId } from '../../scripts/seed/generate.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { nameWordKeys, recordKeys } from '../../src/crm/embedded/recordRules.js';
import { openStore, type Store } from '../../src/store/database.js';

// The bulk seed (npm run seed) writes rows of its own, outside the connector, for speed: what it writes must
// be what the connector would have written (every key of every record, names and their words), in a database
// whose indexes are those the migrations build, so the product finds the seeded records as it finds its own.

const CONTACTS = 400;
const opts = { signal: new AbortController().signal };

describe('bulk seed', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seed-test-'));
    // One worker thread: the path the seed takes on every machine, generation apart from writing.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--contacts', String(CONTACTS), '--data-dir', dir, '--workers', '1'], { timeout: 60_000 });
    store = await openStore({ dataDir: dir });
  }, 90_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every bulk record the keys the connector gives it, and no other', async () => {
    const records = await store.db.selectFrom('crm_records').select(['id', 'type', 'name', 'fields']).where('id', 'like', '%-b%').execute();
    const plan = planFor(CONTACTS);
    expect(records.length).toBe(plan.accounts + plan.contacts + plan.cases + plan.tasks + plan.leads);
    const stored = new Map<string, string[]>();
    for (const k of await store.db.selectFrom('crm_record_keys').select(['kind', 'value', 'record_id', 'record_type']).where('record_id', 'like', '%-b%').execute()) {
      const list = stored.get(k.record_id) ?? [];
      list.push(`${k.record_type} ${k.kind}=${k.value}`);
      stored.set(k.record_id, list);
    }
    for (const r of records) {
      const fields = JSON.parse(r.fields) as Record<string, string>;
      const expected = [...recordKeys(r.type, fields, plan.region), ...nameWordKeys(r.type, r.name, r.id)].map((k) => `${r.type} ${k.kind}=${k.value}`);
      expect((stored.get(r.id) ?? []).sort(), r.id).toEqual([...new Set(expected)].sort());
    }
  });

  it('leaves the indexes the migrations build', async () => {
    const freshDir = mkdtempSync(join(tmpdir(), 'seed-test-fresh-'));
    const fresh = await openStore({ dataDir: freshDir });
    const indexes = (s: Store) =>
      s.db
        .selectFrom('sqlite_master' as never)
        .select(['name' as never, 'sql' as never])
        .where('type' as never, '=', 'index' as never)
        .orderBy('name' as never)
        .execute();
    try {
      expect(await indexes(store)).toEqual(await indexes(fresh));
    } finally {
      await fresh.close();
      rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('is found by the connector: by phone, by a word of the name, by case number', async () => {
    const crm = new EmbeddedConnector(store.db);
    const key = await store.db
      .selectFrom('crm_record_keys')
      .select(['value', 'record_id'])
      .where('record_type', '=', 'contact')
      .where('kind', '=', 'phone')
      .where('record_id', 'like', 'con-b%')
      .orderBy('record_id')
      .executeTakeFirstOrThrow();
    const contact = (await crm.get({ type: 'contact', id: key.record_id }, opts))!;
    expect((await crm.findByPhone(key.value, opts)).map((r) => r.id)).toContain(contact.id);
    const lastWord = contact.name.split(' ').at(-1)!;
    const found = await crm.searchText(lastWord.slice(0, 3).toUpperCase(), ['person'], { ...opts, limit: 500 });
    expect(found.records.map((r) => r.id)).toContain(contact.id);
    const byNumber = await crm.searchText('CS-100001', ['case'], { ...opts, limit: 5 });
    expect(byNumber.records.map((r) => r.id)).toEqual([recordId('case', 0)]);
  });
});
