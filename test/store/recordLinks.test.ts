import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkOf } from '../../src/domain/interaction.js';
import { upsertAgent } from '../../src/store/agentsRepository.js';
import { insertInteraction } from '../../src/store/interactionsRepository.js';
import { listRecordLinks, putFirstRecordLinks, putRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const NOW = '2026-11-22T08:00:00.000Z';
const INTERACTION = '5f0c8f5e-8a4e-4a8e-9d6a-2d4f1d7c9a10';

describe.each(STORE_BACKENDS)('record links keep the canonical snapshot (migration 014) ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    await upsertAgent(store.db, 'a1', 'Ana', NOW);
    await insertInteraction(store.db, {
      id: INTERACTION,
      agentId: 'a1',
      channel: 'voice',
      ani: '+12065550142',
      state: 'active',
      configurationId: 'demo',
      matchState: 'single',
      startedAt: NOW,
      endedAt: null,
      completedAt: null,
      disposition: null,
      notes: null,
      customerId: null,
    });
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('reads back role, type label, canonical fields and display values as written, and refreshes them', async () => {
    const record = {
      type: 'Contact',
      id: '003A',
      name: 'Maria Garcia',
      role: 'person' as const,
      typeLabel: 'Contact',
      canonical: { lastName: 'Garcia', organization: { ref: { type: 'Account', id: '001A' }, name: 'Contoso' } },
      fields: { LastName: 'Garcia', AccountId: '001A' },
      display: { AccountId: 'Contoso' },
    };
    await putRecordLinks(store.db, [linkOf(record, { interactionId: INTERACTION, linked: true, origin: 'ani' })]);
    const [link] = await listRecordLinks(store.db, INTERACTION);
    expect(link).toMatchObject({ role: 'person', typeLabel: 'Contact', canonical: record.canonical, display: record.display, fields: record.fields, linked: true });
    await putRecordLinks(store.db, [linkOf({ ...record, canonical: { lastName: 'Garcia' }, display: {} }, { interactionId: INTERACTION, linked: false, origin: 'search' })]);
    const [again] = await listRecordLinks(store.db, INTERACTION);
    expect(again).toMatchObject({ canonical: { lastName: 'Garcia' }, linked: true, origin: 'ani' });
  });

  it('reads a row written before the canonical model as role "other" with nothing canonical', async () => {
    await store.db
      .insertInto('interaction_records')
      .values({ interaction_id: INTERACTION, record_type: 'contact', record_id: 'con-1', linked: 1, origin: 'ani', label: 'Old', snapshot: '{"lastName":"Old"}', type_label: null })
      .execute();
    const [link] = await listRecordLinks(store.db, INTERACTION);
    expect(link).toMatchObject({ role: 'other', canonical: {}, display: {}, typeLabel: undefined, fields: { lastName: 'Old' } });
  });

  it("writes a new card's first records in order with every column, past one statement's worth", async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      type: i % 2 ? 'Case' : 'Contact',
      id: `rec-${i}`,
      name: `Record ${i}`,
      role: (i % 2 ? 'case' : 'person') as 'case' | 'person',
      typeLabel: i === 3 ? undefined : `Type ${i}`,
      canonical: { lastName: `Name ${i}` },
      fields: { n: i },
      display: { n: `#${i}` },
    }));
    const links = records.map((record, i) => ({
      ...linkOf(record, { interactionId: INTERACTION, linked: i < 2, origin: 'ani' as const }),
      activities: i === 0 ? [{ subject: 'Called', when: NOW }] : undefined,
    }));
    await putFirstRecordLinks(store.db, links);
    const read = await listRecordLinks(store.db, INTERACTION);
    expect(read.map((l) => l.recordId)).toEqual(records.map((r) => r.id));
    expect(read[0]).toMatchObject({
      recordType: 'Contact',
      role: 'person',
      typeLabel: 'Type 0',
      linked: true,
      origin: 'ani',
      label: 'Record 0',
      fields: { n: 0 },
      canonical: { lastName: 'Name 0' },
      display: { n: '#0' },
      activities: [{ subject: 'Called', when: NOW }],
    });
    expect(read[3]).toMatchObject({ recordType: 'Case', role: 'case', typeLabel: undefined, linked: false, activities: [] });
    expect(read[19]).toMatchObject({ recordId: 'rec-19', label: 'Record 19', fields: { n: 19 } });
    const started = await store.db.selectFrom('interaction_records').select('interaction_started_at').where('interaction_id', '=', INTERACTION).execute();
    expect(new Set(started.map((r) => r.interaction_started_at))).toEqual(new Set([NOW]));
  });
});
