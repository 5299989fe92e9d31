import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { isKeyField, nameWordKeys, recordKeys } from '../../src/crm/embedded/recordRules.js';
import { parseFilter } from '../../src/crm/filter.js';
import type { CrmRecord, FieldValue } from '../../src/domain/crmRecord.js';
import { toE164 } from '../../src/domain/phone.js';
import { openStore } from '../../src/store/database.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { describeCardContract } from './cardContract.js';
import { describeConnectorContract, seedThroughPort } from './connectorContract.js';

const NOW = new Date('2026-03-14T09:30:00.000Z');
const opts = { signal: new AbortController().signal };

describe.each(STORE_BACKENDS)('EmbeddedConnector on $name', (backend) => {
  describeConnectorContract(`EmbeddedConnector on ${backend.name}`, async () => {
    const store = await backend.open();
    const connector = new EmbeddedConnector(store.db);
    return { connector, seed: seedThroughPort(connector), names: { readOnly: { contact: 'accountName', case: 'caseNumber' } }, dispose: () => store.dispose() };
  });

  describeCardContract(`EmbeddedConnector on ${backend.name}`, async () => {
    const store = await backend.open();
    const connector = new EmbeddedConnector(store.db);
    const configuration = loadCrmConfigurations('config/crm-configurations.json').configurations[0]!;
    return { store, connector, configuration, seed: seedThroughPort(connector), dispose: () => store.dispose() };
  });

  describe('demo seed', () => {
    let store: TestStore;
    let connector: EmbeddedConnector;
    let seeded: boolean;

    beforeAll(async () => {
      store = await backend.open();
      connector = new EmbeddedConnector(store.db, () => NOW);
      seeded = await seedDemoData(store.db, NOW);
    });
    afterAll(async () => {
      await store?.dispose();
    });

    const allRows = () => store.db.selectFrom('crm_records').select(['id', 'type', 'name', 'fields', 'created_at']).orderBy('id').execute();

    it('seeds an empty CRM and says so', () => {
      expect(seeded).toBe(true);
    });

    it('writes Contoso Pharmaceuticals at +1 206 555 0100', async () => {
      const found = await connector.findByPhone('+12065550100', opts);
      expect(found.map((r) => [r.type, r.id, r.name])).toEqual([['account', DEMO.contoso.id, 'Contoso Pharmaceuticals']]);
      expect(found[0]!.fields.phone).toBe(DEMO.contoso.phone);
    });

    it('writes Maria Garcia with her mobile and email, at Contoso', async () => {
      const byPhone = await connector.findByPhone('+12065550142', opts);
      expect(byPhone.map((r) => r.id)).toEqual([DEMO.maria.id]);
      const maria = byPhone[0]!;
      expect(maria).toMatchObject({
        type: 'contact',
        name: 'Maria Garcia',
        fields: { mobilePhone: '+1 206 555 0142', email: 'maria.garcia@contoso.example', accountId: DEMO.contoso.id, accountName: 'Contoso Pharmaceuticals' },
      });
      expect((await connector.findByEmail('Maria.Garcia@Contoso.example', opts)).map((r) => r.id)).toEqual([DEMO.maria.id]);
    });

    it('writes Maria’s open case CS-1001 "Damaged shipment"', async () => {
      const cases = await connector.query('case', parseFilter('caseNumber = "CS-1001"'), { ...opts, limit: 10 });
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({ id: DEMO.mariaCase.id, fields: { subject: 'Damaged shipment', contactId: DEMO.maria.id } });
      expect(cases[0]!.fields.status).not.toBe('Closed');
      const open = await connector.query('case', parseFilter(`contactId = "${DEMO.maria.id}" and status != "Closed"`), { ...opts, limit: 10 });
      expect(open.map((r) => r.id)).toEqual([DEMO.mariaCase.id]);
    });

    it('finds Maria Garcia as people type: accents and case folded, word prefixes; CS-1001 by its number', async () => {
      for (const text of ['García', 'GARCIA', 'maria garc', 'Garcia María']) {
        const { records, refused } = await connector.searchText(text, ['person', 'organization'], { ...opts, limit: 10 });
        expect(
          records.map((r) => r.id),
          text,
        ).toContain(DEMO.maria.id);
        expect(refused).toEqual([]);
      }
      expect((await connector.searchText('Gracia', ['person'], { ...opts, limit: 10 })).records.map((r) => r.id)).not.toContain(DEMO.maria.id);
      const byNumber = await connector.searchText('cs-1001', ['case'], { ...opts, limit: 10 });
      expect(byNumber.records.map((r) => r.id)).toEqual([DEMO.mariaCase.id]);
      expect(byNumber.records[0]!.canonical).toMatchObject({ caseNumber: 'CS-1001', subject: 'Damaged shipment', person: { ref: { id: DEMO.maria.id } } });
    });

    it('maps Maria to the canonical model: a person at Contoso, her phone shown formatted', async () => {
      const maria = (await connector.get({ type: 'contact', id: DEMO.maria.id }, opts))!;
      expect(maria).toMatchObject({
        role: 'person',
        typeLabel: 'Contact',
        canonical: { firstName: 'Maria', lastName: 'Garcia', organization: { ref: { type: 'account', id: DEMO.contoso.id }, name: 'Contoso Pharmaceuticals' } },
        display: { accountId: 'Contoso Pharmaceuticals' },
      });
    });

    it('writes Peter Solo (the digital demo) with his email and phone, at Tailwind Traders, with his open case CS-2001', async () => {
      expect((await connector.findByEmail('Peter.Solo@Tailwind.example', opts)).map((r) => r.id)).toEqual([DEMO.peter.id]);
      expect((await connector.findByPhone('+12065550160', opts)).map((r) => r.id)).toEqual([DEMO.peter.id]);
      const peter = (await connector.get({ type: 'contact', id: DEMO.peter.id }, opts))!;
      expect(peter).toMatchObject({ role: 'person', canonical: { firstName: 'Peter', lastName: 'Solo', organization: { ref: { type: 'account', id: DEMO.tailwind.id }, name: 'Tailwind Traders' } } });
      const open = await connector.query('case', parseFilter(`contactId = "${DEMO.peter.id}" and status != "Closed"`), { ...opts, limit: 10 });
      expect(open.map((r) => [r.id, r.fields.caseNumber])).toEqual([[DEMO.peterCase.id, 'CS-2001']]);
    });

    it('describes its case with priority choices Low, Medium, High and Medium as default', async () => {
      const kase = await connector.describe('case', opts);
      expect(kase.label).toBe('Case');
      expect(kase.fields.priority).toMatchObject({ kind: 'choice', defaultValue: 'Medium', choices: [{ value: 'Low' }, { value: 'Medium' }, { value: 'High' }] });
      expect(kase.fields.caseNumber?.writable).toBe(false);
    });

    it('writes Chris Doe and Pat Doe sharing +1 206 555 0199', async () => {
      const found = await connector.findByPhone('+12065550199', opts);
      expect(found.map((r) => [r.type, r.id, r.name]).sort()).toEqual([
        ['contact', 'con-chris-doe', 'Chris Doe'],
        ['contact', 'con-pat-doe', 'Pat Doe'],
      ]);
      expect([...DEMO.household.contacts].sort()).toEqual(found.map((r) => r.id).sort());
    });

    it('has nobody at +1 206 555 0000', async () => {
      expect(await connector.findByPhone(toE164(DEMO.nobody, 'US')!, opts)).toEqual([]);
    });

    it('writes a few hundred records of every standard type', async () => {
      const rows = await allRows();
      expect(rows.length).toBeGreaterThanOrEqual(300);
      expect(rows.length).toBeLessThan(2000);
      const byType = new Map<string, number>();
      for (const row of rows) byType.set(row.type, (byType.get(row.type) ?? 0) + 1);
      for (const type of ['account', 'contact', 'case', 'lead']) expect(byType.get(type) ?? 0, type).toBeGreaterThanOrEqual(20);
    });

    it('writes only phone numbers that normalize, each findable by its E.164 form', async () => {
      const rows = await allRows();
      const phoneKeys = await store.db.selectFrom('crm_record_keys').select(['value', 'record_id']).where('kind', '=', 'phone').execute();
      const keys = new Set(phoneKeys.map((k) => `${k.record_id} ${k.value}`));
      let checked = 0;
      for (const row of rows) {
        const fields = JSON.parse(row.fields) as Record<string, FieldValue>;
        for (const field of ['phone', 'mobilePhone', 'homePhone']) {
          const value = fields[field];
          if (typeof value !== 'string' || row.type === 'task') continue;
          const e164 = toE164(value, 'US');
          expect(e164, `${row.id}.${field} = ${value}`).not.toBeNull();
          expect(keys.has(`${row.id} ${e164}`), `${row.id}.${field} = ${value}`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(300);
    });

    it('gives every case a distinct case number', async () => {
      const cases = await connector.query('case', null, { ...opts, limit: 5000 });
      const numbers = cases.map((c) => c.fields.caseNumber);
      expect(numbers.every((n) => typeof n === 'string' && /^CS-\d+$/.test(n))).toBe(true);
      expect(new Set(numbers).size).toBe(cases.length);
    });

    it('runs only once: a second call returns false and writes nothing', async () => {
      const before = await allRows();
      expect(await seedDemoData(store.db, new Date(NOW.getTime() + 86_400_000))).toBe(false);
      expect(await allRows()).toEqual(before);
    });

    it('is deterministic: another empty store gets the same records', async () => {
      const other = await backend.open();
      try {
        expect(await seedDemoData(other.db, NOW)).toBe(true);
        const theirs = await other.db.selectFrom('crm_records').select(['id', 'type', 'name', 'fields', 'created_at']).orderBy('id').execute();
        const ours = await allRows();
        expect(theirs.length).toBe(ours.length);
        expect(theirs).toEqual(ours);
      } finally {
        await other.dispose();
      }
    });
  });

  describe('embedded specifics', () => {
    let store: TestStore;
    let connector: EmbeddedConnector;

    beforeAll(async () => {
      store = await backend.open();
      connector = new EmbeddedConnector(store.db);
    });
    afterAll(async () => {
      await store?.dispose();
    });

    it('numbers new cases CS-1001, CS-1002... and fills accountName from accountId', async () => {
      const account = await connector.create('account', { name: 'Numbering Inc' }, opts);
      const first = await connector.create('case', { subject: 'First', accountId: account.id }, opts);
      const second = await connector.create('case', { subject: 'Second' }, opts);
      expect(first.fields).toMatchObject({ caseNumber: 'CS-1001', accountName: 'Numbering Inc' });
      expect(first.name).toBe('CS-1001 First');
      expect(second.fields.caseNumber).toBe('CS-1002');
    });

    // Explicit numbers (imports, custom creates) and concurrent creates once produced duplicates.
    it('never gives two cases the same case number (explicit numbers, concurrent creates)', async () => {
      const concurrent = await Promise.all(Array.from({ length: 8 }, (_, i) => connector.create('case', { subject: `Concurrent ${i}` }, opts)));
      const concurrentNumbers = concurrent.map((c) => String(c.fields.caseNumber));
      expect.soft(new Set(concurrentNumbers).size, `concurrent: ${concurrentNumbers.join(', ')}`).toBe(8);

      const auto = await connector.create('case', { subject: 'Auto' }, opts);
      const k = Number(String(auto.fields.caseNumber).slice(3));
      const explicit = await connector.create('case', { subject: 'Imported', caseNumber: `CS-${k + 5}` }, opts);
      const later: CrmRecord[] = [];
      for (let i = 0; i < 10; i++) later.push(await connector.create('case', { subject: `Later ${i}` }, opts));
      const numbers = [auto, explicit, ...later].map((c) => String(c.fields.caseNumber));
      expect.soft(new Set(numbers).size, `sequential: ${numbers.join(', ')}`).toBe(numbers.length);
      await expect(connector.create('case', { subject: 'Clash', caseNumber: explicit.fields.caseNumber! }, opts)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { caseNumber: expect.stringMatching(/already the number of another case/) },
      });
    });

    // An index once changed the answer of `=` on references; identifiers are now exact both ways.
    it('gives the same answer with or without an index: = on a reference is exact, as ids are', async () => {
      const account = await connector.create('account', { name: 'Case Sensitive Ltd' }, opts);
      const contact = await connector.create('contact', { lastName: 'Reference', accountId: account.id }, opts);
      for (const [id, expected] of [
        [account.id, [contact.id]],
        [account.id.toUpperCase(), []],
      ] as const) {
        const scanned = await connector.query('contact', parseFilter(`accountId = "${id}" or accountId = "no such id"`), { ...opts, limit: 10 });
        const indexed = await connector.query('contact', parseFilter(`accountId = "${id}"`), { ...opts, limit: 10 });
        expect(scanned.map((r) => r.id)).toEqual(expected);
        expect(indexed.map((r) => r.id)).toEqual(expected);
      }
    });

    it('names the new account when a contact moves to another account', async () => {
      const first = await connector.create('account', { name: 'Old Employer' }, opts);
      const second = await connector.create('account', { name: 'New Employer' }, opts);
      const contact = await connector.create('contact', { lastName: 'Mover', accountId: first.id }, opts);
      expect(contact.fields.accountName).toBe('Old Employer');
      const moved = await connector.update({ type: 'contact', id: contact.id }, { accountId: second.id }, opts);
      expect(moved.fields).toMatchObject({ accountId: second.id, accountName: 'New Employer' });
    });

    it("re-indexes only the keys whose fields an update changes, and leaves the record with exactly its fields' keys", async () => {
      const account = await connector.create('account', { name: 'Keys Unchanged Ltd' }, opts);
      const contact = await connector.create('contact', { lastName: 'Rekeyed', phone: '+1 206 555 0161', mobilePhone: '(206) 555-0162', email: 'Rekeyed@Example.com', accountId: account.id }, opts);
      const storedKeys = async () => (await store.db.selectFrom('crm_record_keys').select(['kind', 'value']).where('record_id', '=', contact.id).execute()).map((k) => `${k.kind} ${k.value}`).sort();
      // Its fields' keys and its name's words (name search), nothing else.
      const keysOf = (fields: Record<string, FieldValue>) => [...recordKeys('contact', fields), ...nameWordKeys('contact', 'Rekeyed', contact.id)].map((k) => `${k.kind} ${k.value}`).sort();

      const memorialized = await connector.update({ type: 'contact', id: contact.id }, { lastAgent: 'Ana Agent', lastDisposition: 'Resolved' }, opts);
      expect(await storedKeys()).toEqual(keysOf(memorialized.fields));

      const moved = await connector.update({ type: 'contact', id: contact.id }, { mobilePhone: '+1 206 555 0163', email: null }, opts);
      expect(await storedKeys()).toEqual(keysOf(moved.fields));
      expect((await connector.findByPhone('+12065550161', opts)).map((r) => r.id)).toEqual([contact.id]);
      expect(await connector.findByPhone('+12065550162', opts)).toEqual([]);
      expect((await connector.findByPhone('+12065550163', opts)).map((r) => r.id)).toEqual([contact.id]);
      expect(await connector.findByEmail('rekeyed@example.com', opts)).toEqual([]);
      expect((await connector.query('contact', parseFilter(`accountId = "${account.id}"`), { ...opts, limit: 10 })).map((r) => r.id)).toEqual([contact.id]);
    });

    it("changes a record's keys only through the fields isKeyField names", () => {
      const full: Record<string, FieldValue> = {
        name: 'N',
        firstName: 'F',
        lastName: 'L',
        phone: '+1 206 555 0171',
        mobilePhone: '206 555 0172',
        homePhone: '+12065550173',
        otherPhone: '+1 206 555 0174',
        email: 'a@b.example',
        caseNumber: 'CS-7',
        accountId: 'acc-1',
        contactId: 'con-1',
        regardingType: 'contact',
        regardingId: 'con-2',
        subject: 'S',
        status: 'Open',
        lastAgent: 'A',
        lastContactAt: '2026-01-01T00:00:00.000Z',
        notes: 'n',
        title: 't',
        industry: 'i',
      };
      for (const type of ['account', 'contact', 'lead', 'case', 'task', 'work_order']) {
        for (const field of Object.keys(full)) {
          const keys = (fields: Record<string, FieldValue>) =>
            recordKeys(type, fields)
              .map((k) => `${k.kind} ${k.value}`)
              .sort();
          const changed = keys({ ...full, [field]: 'other-value' });
          const cleared = keys({ ...full, [field]: null });
          if (!isKeyField(type, field)) {
            expect(changed, `${type}.${field}`).toEqual(keys(full));
            expect(cleared, `${type}.${field}`).toEqual(keys(full));
          }
        }
      }
    });

    // Writes that arrive together share a transaction on SQLite: each must still stand or fall on its own.
    it('runs writes made at once each on its own: a failed one leaves the others written, each committed when it resolves', async () => {
      const other = await openStore(store.productOptions);
      try {
        // What another connection sees of the record: a write must be committed by the time it resolves.
        const committedFields = async (id: string) => {
          const row = await other.db.selectFrom('crm_records').select('fields').where('id', '=', id).executeTakeFirst();
          return row ? (JSON.parse(row.fields) as Record<string, FieldValue>) : undefined;
        };
        const contact = await connector.create('contact', { lastName: 'Together' }, opts);
        const taken = await connector.create('case', { subject: 'Numbered' }, opts);
        const seenOnResolve: string[] = [];
        const visible = <T extends CrmRecord>(write: Promise<T>) =>
          write.then(async (record) => {
            if ((await committedFields(record.id))?.title === record.fields.title) seenOnResolve.push(record.id);
            return record;
          });
        const results = await Promise.allSettled([
          visible(connector.update({ type: 'contact', id: contact.id }, { title: 'Updated together' }, opts)),
          connector.update({ type: 'contact', id: 'con-missing-together' }, { title: 'x' }, opts),
          visible(
            connector
              .logActivity(
                { key: 'int-together:contact', regarding: { type: 'contact', id: contact.id }, subject: 'Call', description: 'd', at: NOW.toISOString(), fields: { title: 'Logged together' } },
                opts,
              )
              .then((r) => r.record),
          ),
          connector.logActivity(
            { key: 'int-together:missing', regarding: { type: 'contact', id: 'con-missing-together' }, subject: 'Call', description: 'd', at: NOW.toISOString(), fields: {} },
            opts,
          ),
          connector.create('case', { subject: 'Clash', caseNumber: taken.fields.caseNumber! }, opts),
          visible(connector.create('account', { name: 'Created together', title: 'Created together' }, opts)),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
        expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { status?: number }).status : undefined))).toEqual([undefined, 404, undefined, 404, 400, undefined]);
        expect(seenOnResolve).toHaveLength(3);
        expect((await connector.get({ type: 'contact', id: contact.id }, opts))?.fields.title).toBe('Updated together');
        expect(await connector.listActivities({ type: 'contact', id: contact.id }, { ...opts, limit: 10 })).toHaveLength(1);
        expect(await connector.query('case', parseFilter('subject = "Clash"'), { ...opts, limit: 10 })).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('gives new records ids that sort by the time they were created', async () => {
      let now = Date.parse('2026-03-14T09:30:00.000Z');
      const timed = new EmbeddedConnector(store.db, () => new Date(now));
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        created.push((await timed.create('contact', { lastName: `Ordered ${i}` }, opts)).id);
        now += 1;
      }
      expect([...created].sort()).toEqual(created);
      expect(created.every((id) => /^con-[0-9a-z]{8}-[0-9a-f]{8}$/.test(id))).toBe(true);
    });

    it("loses no field when two writers update one record at once (200 pairs: memorialization vs an agent's edit)", async () => {
      // Two connectors, as the job worker's and an agent's request would each use: neither groups with the other.
      const worker = new EmbeddedConnector(store.db, () => NOW);
      const agent = new EmbeddedConnector(store.db, () => NOW);
      const contacts = await Promise.all(Array.from({ length: 200 }, (_, i) => connector.create('contact', { firstName: 'Pair', lastName: `P${i}` }, opts)));
      await Promise.all(
        contacts.flatMap((c, i) => [
          worker.update({ type: 'contact', id: c.id }, { lastAgent: `Agent ${i}`, lastDisposition: 'Resolved', lastContactAt: NOW.toISOString() }, opts),
          agent.update({ type: 'contact', id: c.id }, { title: `Title ${i}` }, opts),
        ]),
      );
      const lost = [];
      for (const [i, c] of contacts.entries()) {
        const fields = (await connector.get({ type: 'contact', id: c.id }, opts))!.fields;
        if (fields.lastAgent !== `Agent ${i}` || fields.lastDisposition !== 'Resolved') lost.push(`${c.id}: memorialization`);
        if (fields.title !== `Title ${i}`) lost.push(`${c.id}: edit`);
      }
      expect(lost).toEqual([]);
    });

    it('keeps the name and the lookup keys in step with fields that two writers change at once', async () => {
      const writerA = new EmbeddedConnector(store.db, () => NOW);
      const writerB = new EmbeddedConnector(store.db, () => NOW);
      const contacts = await Promise.all(Array.from({ length: 50 }, (_, i) => connector.create('contact', { firstName: 'Old', lastName: `Name${i}` }, opts)));
      await Promise.all(
        contacts.flatMap((c, i) => [
          writerA.update({ type: 'contact', id: c.id }, { firstName: `New${i}` }, opts),
          writerB.update({ type: 'contact', id: c.id }, { email: `pair${i}@keys.example` }, opts),
        ]),
      );
      for (const [i, c] of contacts.entries()) {
        const record = (await connector.get({ type: 'contact', id: c.id }, opts))!;
        expect(record).toMatchObject({ name: `New${i} Name${i}`, fields: { firstName: `New${i}`, email: `pair${i}@keys.example` } });
        expect((await connector.findByEmail(`pair${i}@keys.example`, opts)).map((r) => r.id)).toEqual([c.id]);
      }
      const named = await connector.query('contact', parseFilter('name = "New7 Name7"'), { ...opts, limit: 5 });
      expect(named.map((r) => r.id)).toEqual([contacts[7]!.id]);
    });

    it('keeps activity keys apart from record edits: updating a task does not free its key', async () => {
      const contact = await connector.create('contact', { lastName: 'Keyed' }, opts);
      const activity = { key: 'int-1:contact:keyed', regarding: { type: 'contact', id: contact.id }, subject: 'Call', description: 'd', at: NOW.toISOString(), fields: {} };
      const first = await connector.logActivity(activity, opts);
      await connector.update({ type: 'task', id: first.record.id }, { notes: 'edited' }, opts);
      const again = await connector.logActivity(activity, opts);
      expect(again).toMatchObject({ created: false, record: { id: first.record.id, fields: { notes: 'edited' } } });
      expect(await connector.listActivities({ type: 'contact', id: contact.id }, { ...opts, limit: 10 })).toHaveLength(1);
    });

    it('stores a phone an agent edits in E.164 and shows it formatted', async () => {
      const contact = await connector.create('contact', { lastName: 'Phoned', mobilePhone: '206-555-0111' }, opts);
      expect(contact.fields.mobilePhone).toBe('+12065550111');
      const edited = await connector.update({ type: 'contact', id: contact.id }, { phone: '(206) 555-0112' }, opts);
      expect(edited.fields.phone).toBe('+12065550112');
      expect(edited.display).toMatchObject({ phone: '+1 206 555 0112', mobilePhone: '+1 206 555 0111' });
      expect((await connector.findByPhone('+12065550112', opts)).map((r) => r.id)).toEqual([contact.id]);
    });
  });
});
