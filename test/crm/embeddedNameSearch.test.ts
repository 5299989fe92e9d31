import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { parseFilter } from '../../src/crm/filter.js';
import * as nameWords from '../../src/store/migrations/012_name_words.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

// Name search in the embedded CRM as people type: no case, no accents, by word, through an index. Kept
// here rather than in the port's contract suite: how other CRMs match accents is their own search's rule
// (Salesforce's LIKE, Dataverse's collation, Zendesk's words), not something a connector can decide.

const opts = { signal: new AbortController().signal };
const NOW = '2026-03-14T09:30:00.000Z';

describe.each(STORE_BACKENDS)('embedded name search on $name', (backend) => {
  let store: TestStore;
  let crm: EmbeddedConnector;
  const ids = async (entity: string, filter: string) => (await crm.query(entity, parseFilter(filter), { ...opts, limit: 20 })).map((r) => r.id).sort();

  beforeAll(async () => {
    store = await backend.open();
    crm = new EmbeddedConnector(store.db);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('finds "García" as "garcia" and back, in any case, by contains, startswith and =', async () => {
    const accented = await crm.create('contact', { firstName: 'María', lastName: 'García' }, opts);
    const plain = await crm.create('contact', { firstName: 'Maria', lastName: 'Garcia' }, opts);
    await crm.create('contact', { firstName: 'Marta', lastName: 'Garza' }, opts);
    const both = [accented.id, plain.id].sort();
    expect(await ids('contact', 'name contains "García"')).toEqual(both);
    expect(await ids('contact', 'name contains "garcia"')).toEqual(both);
    expect(await ids('contact', 'name contains "GARCÍA"')).toEqual(both);
    expect(await ids('contact', 'name contains "maría garc"')).toEqual(both);
    expect(await ids('contact', 'name contains "arcí"')).toEqual(both);
    expect(await ids('contact', 'name startswith "MARIA"')).toEqual(both);
    expect(await ids('contact', 'lastName = "garcía"')).toEqual(both);
  });

  it('finds a name by a word of it through the index, past the records a scan would read', async () => {
    // 5,100 contacts whose names sort first: a scan of the first 5,000 by name never reaches the one wanted.
    const filler = Array.from({ length: 5100 }, (_, i) => {
      const name = `Aaron Filler ${String(i).padStart(4, '0')}`;
      return { id: `con-fill-${i}`, type: 'contact', name, name_lower: name.toLowerCase(), fields: JSON.stringify({ firstName: 'Aaron', lastName: `Filler ${i}` }), created_at: NOW, updated_at: NOW };
    });
    for (let i = 0; i < filler.length; i += 500)
      await store.db
        .insertInto('crm_records')
        .values(filler.slice(i, i + 500))
        .execute();
    const wanted = await crm.create('contact', { firstName: 'Zoë', lastName: 'Ångström' }, opts);
    expect(await ids('contact', 'name contains "angstrom"')).toEqual([wanted.id]);
    expect(await ids('contact', 'name contains "zoe ÅNGS"')).toEqual([wanted.id]);
    expect(await ids('contact', 'name startswith "zoë"')).toEqual([wanted.id]);

    // Renamed: found by the new name only.
    await crm.update({ type: 'contact', id: wanted.id }, { lastName: 'Økland' }, opts);
    expect(await ids('contact', 'name contains "angstrom"')).toEqual([]);
    expect(await ids('contact', 'name contains "økland"')).toEqual([wanted.id]);
  });

  it('gives records written before migration 012 their name words (the backfill)', async () => {
    const account = await crm.create('account', { name: 'Société Générale Backfill' }, opts);
    const before = await crm.create('contact', { firstName: 'Émile', lastName: 'Zola', accountId: account.id }, opts);
    // As a database before 012: no word keys at all.
    await store.db.deleteFrom('crm_record_keys').where('kind', '=', 'word').execute();
    await nameWords.up(store.db as never);
    const words = await store.db.selectFrom('crm_record_keys').select('value').where('kind', '=', 'word').where('record_id', '=', before.id).execute();
    expect(words.map((w) => w.value).sort()).toEqual(['emile', 'zola']);
    expect(await ids('account', 'name contains "generale"')).toEqual([account.id]);
    // The filler of the test before sorts first: found through the restored words, not by the scan.
    expect(await ids('contact', 'name startswith "emile z"')).toEqual([before.id]);
    // Run again (a second instance migrating): nothing doubles.
    await nameWords.up(store.db as never);
    expect(await store.db.selectFrom('crm_record_keys').select('value').where('kind', '=', 'word').where('record_id', '=', before.id).execute()).toHaveLength(2);
  });
});
