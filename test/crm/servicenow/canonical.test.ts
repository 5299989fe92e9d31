import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/crm/filter.js';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import { createServiceNowConnector } from '../../../src/crm/servicenow/index.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { connectorConfig, deps, serverOptions } from './fixtures.js';
import { ServiceNowWireServer } from './wireServer.js';

/**
 * The canonical model on ServiceNow (issue 11, port contract a-g): roles, canonical fields with related
 * records' names, display values, describe from the dictionary, searchText with partial refusals, the
 * timeline dated by the interaction, and updates that send only changed, writable fields.
 */
const signal = new AbortController().signal;
const opts = { signal };
const AT = '2026-03-04T10:20:30.000Z';

async function rejection(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

describe('ServiceNow canonical model', () => {
  let server: ServiceNowWireServer;
  let sn: CrmConnector;
  let account: CrmRecord;
  let maria: CrmRecord;
  let kase: CrmRecord;
  const m = `cn${Date.now().toString(36)}`;

  beforeAll(async () => {
    // The integration user's profile is in Seattle: display values of date-times are local there.
    server = await new ServiceNowWireServer(serverOptions({ timeZone: 'America/Los_Angeles' })).start();
    sn = createServiceNowConnector(connectorConfig(server), 'snow-canonical', deps());
    account = await sn.create('customer_account', { name: `Contoso Pharmaceuticals ${m}`, phone: '(206) 555-0100' }, opts);
    maria = await sn.create(
      'customer_contact',
      { first_name: 'María', last_name: `García${m}`, email: `maria.${m}@contoso.example`, phone: '206-555-0131', mobile_phone: '+1 425 555 0132', account: account.id },
      opts,
    );
    kase = await sn.create('sn_customerservice_case', { short_description: `Damaged shipment ${m}`, description: 'Box crushed', contact: maria.id, account: account.id, priority: '2' }, opts);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('a, b: roles and a person with her organization, however she is read', () => {
    const organization = () => ({ ref: { type: 'customer_account', id: account.id }, name: `Contoso Pharmaceuticals ${m}` });

    it('the catalogue maps to roles and type labels', async () => {
      expect(account).toMatchObject({ role: 'organization', typeLabel: 'Account', canonical: { phones: ['(206) 555-0100'] } });
      expect(maria).toMatchObject({ role: 'person', typeLabel: 'Contact' });
      expect(kase).toMatchObject({ role: 'case', typeLabel: 'Case' });
      const consumer = await sn.create('csm_consumer', { first_name: 'Sam', last_name: `Collins${m}`, business_phone: '206-555-0170' }, opts);
      expect(consumer).toMatchObject({ role: 'person', typeLabel: 'Consumer', canonical: { firstName: 'Sam', phones: ['206-555-0170'] } });
      const incident = await sn.create('incident', { short_description: `VPN ${m}`, caller_id: maria.id }, opts);
      expect(incident).toMatchObject({ role: 'case', typeLabel: 'Incident', canonical: { person: { ref: { type: 'sys_user', id: maria.id }, name: `María García${m}` }, priority: '5 - Planning' } });
    });

    it.each([
      ['get', () => sn.get({ type: 'customer_contact', id: maria.id }, opts)],
      ['query', async () => (await sn.query('customer_contact', parseFilter(`last_name = "García${m}"`), { signal, limit: 5 }))[0]],
      ['findByPhone', async () => (await sn.findByPhone('+14255550132', opts)).find((r) => r.id === maria.id)],
      ['findByEmail', async () => (await sn.findByEmail(`MARIA.${m}@contoso.example`, opts))[0]],
      ['searchText', async () => (await sn.searchText(`maría garcía${m}`, ['person'], { signal, limit: 5 })).records[0]],
    ])('%s: canonical names, email, phones and organization by name; display has the account name', async (_how, read) => {
      const record = (await read())!;
      expect(record).toMatchObject({
        type: 'customer_contact',
        id: maria.id,
        role: 'person',
        name: `María García${m}`,
        canonical: { firstName: 'María', lastName: `García${m}`, email: `maria.${m}@contoso.example`, phones: ['206-555-0131', '+1 425 555 0132'], organization: organization() },
        fields: { account: account.id },
        display: { account: `Contoso Pharmaceuticals ${m}` },
      });
    });

    it('reads ask for values and display values, and the columns the dictionary shows (no internal ones)', async () => {
      const before = server.requests.length;
      const record = (await sn.get({ type: 'customer_contact', id: maria.id }, opts))!;
      const read = server.requests.slice(before).find((r) => r.path.endsWith(`/customer_contact/${maria.id}`))!;
      expect(read.params).toMatchObject({ sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true' });
      expect(read.params.sysparm_fields!.split(',')).toEqual(expect.arrayContaining(['first_name', 'account', 'u_last_agent', 'sys_id']));
      expect(Object.keys(record.fields)).not.toContain('sys_mod_count');
      expect(Object.keys(record.fields)).not.toContain('sys_domain');
      // A date-time is stored in UTC without a zone: the record has it as an ISO instant; its display (in the
      // integration user's zone, Seattle here) is not passed on as the record's.
      const stored = server.table('customer_contact').find((r) => r.sys_id === maria.id)!.sys_created_on!;
      expect(record.fields.sys_created_on).toBe(`${stored.replace(' ', 'T')}.000Z`);
      expect(record.display?.sys_created_on).toBeUndefined();
    });
  });

  describe('c, g: a case attached to its person and organization, status and priority as labels', () => {
    it('reads back with names, number, subject, labels; display holds names and labels, fields the stored values', async () => {
      const read = (await sn.get({ type: 'sn_customerservice_case', id: kase.id }, opts))!;
      for (const record of [kase, read]) {
        expect(record.canonical).toMatchObject({
          person: { ref: { type: 'customer_contact', id: maria.id }, name: `María García${m}` },
          organization: { ref: { type: 'customer_account', id: account.id }, name: `Contoso Pharmaceuticals ${m}` },
          subject: `Damaged shipment ${m}`,
          description: 'Box crushed',
          status: 'New',
          priority: '2 - High',
        });
        expect(record.canonical.caseNumber).toMatch(/^CS\d{7}$/);
        expect(record.fields).toMatchObject({ priority: '2', state: '1', contact: maria.id });
        expect(record.display).toMatchObject({ priority: '2 - High', state: 'New', contact: `María García${m}`, account: `Contoso Pharmaceuticals ${m}` });
      }
      const open = await sn.openCases({ type: 'customer_contact', id: maria.id }, { signal, limit: 5 });
      expect(open.find((r) => r.id === kase.id)?.canonical).toMatchObject({ status: 'New', person: { name: `María García${m}` } });
    });
  });

  describe('d: the timeline dated by the interaction', () => {
    const activity = (type: string, id: string, key: string, at: string) => ({
      key: `${m}-${key}`,
      regarding: { type, id },
      subject: `Inbound call ${key}`,
      description: `Customer asked about ${key}`,
      at,
      fields: { interactionId: key, disposition: 'Solved' },
    });

    it('on a person: an interaction opened at `at`, its note as description; newest first by the call, not by the write', async () => {
      const first = await sn.logActivity(activity('customer_contact', maria.id, 'later-call', AT), opts);
      await sn.logActivity(activity('customer_contact', maria.id, 'earlier-call', '2026-03-01T08:00:00.000Z'), opts);
      expect(first.record).toMatchObject({ role: 'activity', typeLabel: 'Interaction', canonical: { activityDate: AT, subject: 'Inbound call later-call' } });
      expect(first.record.canonical.description).toContain('Customer asked about later-call');
      const listed = await sn.listActivities({ type: 'customer_contact', id: maria.id }, { signal, limit: 10 });
      expect(listed.map((r) => r.canonical.activityDate)).toEqual([AT, '2026-03-01T08:00:00.000Z']);
      expect(listed[0]!.canonical.description).toContain('Customer asked about later-call');
      expect(listed[0]!.canonical.description).not.toContain('cc-activity-');
      expect(listed[1]!.canonical.description).toContain('Customer asked about earlier-call');
      expect(listed[0]!.canonical.person).toEqual({ ref: { type: 'customer_contact', id: maria.id }, name: `María García${m}` });
      expect(listed[0]!.display).toMatchObject({ state: 'Closed Complete' });
    });

    it('on a case: a work note dated by `at` though ServiceNow stamps it now; a retry finds it again', async () => {
      const first = await sn.logActivity(activity('sn_customerservice_case', kase.id, 'case-call', AT), opts);
      const again = await sn.logActivity(activity('sn_customerservice_case', kase.id, 'case-call', AT), opts);
      expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
      const [note] = await sn.listActivities({ type: 'sn_customerservice_case', id: kase.id }, { signal, limit: 5 });
      expect(note).toMatchObject({ role: 'activity', typeLabel: 'Work note', canonical: { activityDate: AT, subject: 'Inbound call case-call' } });
      expect(note!.canonical.description).toContain('Customer asked about case-call');
      expect(note!.canonical.description).not.toContain('cc-activity-');
      expect(server.table('sys_journal_field').find((e) => e.element_id === kase.id)!.sys_created_on).not.toBe('2026-03-04 10:20:30');
    });
  });

  describe('e: describe from the dictionary and the choice lists', () => {
    it('a contact: labels, phone kinds, the calculated name read-only, no internal columns; cached', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      try {
        const fresh = createServiceNowConnector(connectorConfig(own), 'snow-describe', deps());
        const contact = await fresh.describe('customer_contact', opts);
        expect(contact.label).toBe('Contact');
        expect(contact.fields).toMatchObject({
          first_name: { label: 'First name', kind: 'text', writable: true },
          phone: { label: 'Business phone', kind: 'phone', writable: true },
          mobile_phone: { kind: 'phone' },
          email: { kind: 'email' },
          account: { label: 'Account', kind: 'reference', writable: true },
          name: { writable: false },
          u_last_agent: { label: 'Last agent', writable: true },
          notification: {
            kind: 'choice',
            choices: [
              { value: '1', label: 'Disable' },
              { value: '2', label: 'Enable' },
            ],
          },
        });
        for (const internal of ['sys_id', 'sys_mod_count', 'sys_class_name']) expect(contact.fields).not.toHaveProperty(internal);
        const calls = own.requests.length;
        await fresh.describe('customer_contact', opts);
        expect(own.requests.length).toBe(calls);
      } finally {
        await own.stop();
      }
    });

    it("a case: the case's own priorities 1-4 with labels and its default, its own states; an incident: task's 1-5", async () => {
      const kind = await sn.describe('sn_customerservice_case', opts);
      expect(kind.label).toBe('Case');
      expect(kind.fields.priority).toEqual({
        label: 'Priority',
        kind: 'choice',
        writable: true,
        choices: [
          { value: '1', label: '1 - Critical' },
          { value: '2', label: '2 - High' },
          { value: '3', label: '3 - Moderate' },
          { value: '4', label: '4 - Low' },
        ],
        defaultValue: '4',
      });
      expect(kind.fields.state!.choices!.map((c) => c.label)).toEqual(['New', 'Open', 'Awaiting Info', 'Resolved', 'Closed', 'Cancelled']);
      expect(kind.fields.number).toMatchObject({ writable: false });
      expect(kind.fields).not.toHaveProperty('work_notes');
      const incident = await sn.describe('incident', opts);
      expect(incident.fields.priority).toMatchObject({ defaultValue: '5' });
      expect(incident.fields.priority!.choices).toHaveLength(5);
    });

    it('an unknown type rejects with 404; without the right to read the dictionary, 403, and reads still work', async () => {
      expect((await rejection(sn.describe('NoSuchType', opts))).status).toBe(404);
      expect((await rejection(sn.describe('u_no_such_table', opts))).status).toBe(404);
      const own = await new ServiceNowWireServer(serverOptions({ deniedReads: ['sys_dictionary'] })).start();
      try {
        const limited = createServiceNowConnector(connectorConfig(own), 'snow-no-dictionary', deps());
        const contact = await limited.create('customer_contact', { first_name: 'Ann', last_name: 'Limited' }, opts);
        expect((await rejection(limited.describe('customer_contact', opts))).status).toBe(403);
        expect(await limited.get({ type: 'customer_contact', id: contact.id }, opts)).toMatchObject({ name: 'Ann Limited', canonical: { firstName: 'Ann' } });
      } finally {
        await own.stop();
      }
    });
  });

  describe('f: searchText', () => {
    it('people by name words, any case, accents as typed or folded; organizations by name; cases by number', async () => {
      const garcia = await sn.create('customer_contact', { first_name: 'Luis', last_name: `Garcia${m}` }, opts);
      const people = await sn.searchText(`GARCÍA${m}`, ['person'], { signal, limit: 10 });
      expect(people.records.map((r) => r.id).sort()).toEqual([maria.id, garcia.id].sort());
      expect((await sn.searchText(`mar garc`, ['person'], { signal, limit: 10 })).records.map((r) => r.id)).toEqual([maria.id]);
      // ServiceNow's default collation ignores accents: what an agent types without them finds them.
      expect((await sn.searchText(`maria garcia${m}`, ['person'], { signal, limit: 10 })).records.map((r) => r.id)).toEqual([maria.id]);
      // A word inside another word does not match: people type the starts of words.
      expect((await sn.searchText(`arcía${m}`, ['person'], { signal, limit: 10 })).records).toEqual([]);
      const orgs = await sn.searchText(`contoso ${m}`, ['organization'], { signal, limit: 10 });
      expect(orgs.records.map((r) => [r.id, r.role])).toEqual([[account.id, 'organization']]);
      const number = String(kase.fields.number);
      expect((await sn.searchText(number, ['case'], { signal, limit: 10 })).records.map((r) => r.id)).toEqual([kase.id]);
      expect((await sn.searchText(number.toLowerCase(), ['case'], { signal, limit: 10 })).records.map((r) => r.id)).toEqual([kase.id]);
      expect((await sn.searchText(`damaged ${m}`, ['case'], { signal, limit: 10 })).records.map((r) => r.id)).toEqual([kase.id]);
      expect(await sn.searchText(`${m}`, ['lead'], { signal, limit: 10 })).toEqual({ records: [], refused: [] });
    });

    it('a table refused with 403 is named in `refused`; what the other tables found is kept', async () => {
      server.denyRead('csm_consumer');
      try {
        const result = await sn.searchText(`garcía${m}`, ['person', 'organization'], { signal, limit: 10 });
        expect(result.records.map((r) => r.id)).toContain(maria.id);
        expect(result.refused).toEqual([{ type: 'csm_consumer', reason: expect.stringContaining('csm_consumer') }]);
        // Search for ANI and by email keep what the readable tables found too (the refused table is logged).
        expect((await sn.findByPhone('+12065550131', opts)).map((r) => r.id)).toEqual([maria.id]);
        expect((await sn.findByEmail(`maria.${m}@contoso.example`, opts)).map((r) => r.id)).toEqual([maria.id]);
        // Elsewhere a 403 names the table and the missing access, and does not blame the credentials.
        const error = await rejection(sn.query('csm_consumer', null, { signal, limit: 1 }));
        expect(error.status).toBe(403);
        expect(error.message).toContain('may not read the table "csm_consumer"');
        expect(error.message).not.toMatch(/credentials/i);
      } finally {
        server.denyRead('csm_consumer', false);
      }
    });

    it('user text never becomes query syntax, and its size is bounded', async () => {
      const before = server.requests.length;
      const result = await sn.searchText(`x^NQsys_idISNOTEMPTY javascript:gs.log(1) 100%_`, ['person'], { signal, limit: 10 });
      expect(result.records).toEqual([]);
      for (const r of server.requests.slice(before)) expect(r.query ?? '').not.toMatch(/\^NQsys_id|javascript:|%/);
      expect(server.scriptsRun).toEqual([]);
      expect((await rejection(sn.searchText('a'.repeat(201), ['person'], { signal, limit: 10 }))).fieldErrors).toHaveProperty('text');
    });
  });

  describe('updates send only the fields that change, and only writable ones', () => {
    it('unchanged fields are not sent; nothing changed sends nothing', async () => {
      await sn.update({ type: 'customer_contact', id: maria.id }, { first_name: 'María', title: 'Buyer', email: `maria.${m}@contoso.example` }, opts);
      const patch = server.requests.filter((r) => r.method === 'PATCH').at(-1)!;
      expect(patch.body).toEqual({ title: 'Buyer' });
      const patches = server.requestCount((r) => r.method === 'PATCH');
      const same = await sn.update({ type: 'customer_contact', id: maria.id }, { title: 'Buyer' }, opts);
      expect(same.fields.title).toBe('Buyer');
      expect(server.requestCount((r) => r.method === 'PATCH')).toBe(patches);
    });

    it('a date-time is read as an ISO instant and written in the stored form (UTC)', async () => {
      const updated = await sn.update({ type: 'sn_customerservice_case', id: kase.id }, { opened_at: '2026-03-04T11:20:30+01:00' }, opts);
      expect(server.table('sn_customerservice_case').find((r) => r.sys_id === kase.id)!.opened_at).toBe('2026-03-04 10:20:30');
      expect(updated.fields.opened_at).toBe(AT);
      const patches = server.requestCount((r) => r.method === 'PATCH');
      await sn.update({ type: 'sn_customerservice_case', id: kase.id }, { opened_at: AT }, opts);
      expect(server.requestCount((r) => r.method === 'PATCH')).toBe(patches);
    });

    it('a calculated, read-only or system field is refused by name, and nothing is written', async () => {
      const patches = server.requestCount((r) => r.method === 'PATCH');
      const error = await rejection(sn.update({ type: 'customer_contact', id: maria.id }, { name: 'Someone Else', sys_updated_on: '2020-01-01 00:00:00', title: 'x' }, opts));
      expect(error).toMatchObject({ status: 400, fieldErrors: { name: expect.stringContaining('read-only'), sys_updated_on: expect.stringContaining('read-only') } });
      expect(error.fieldErrors).not.toHaveProperty('title');
      const caseError = await rejection(sn.update({ type: 'sn_customerservice_case', id: kase.id }, { number: 'CS9999999' }, opts));
      expect(caseError.fieldErrors).toHaveProperty('number');
      expect(server.requestCount((r) => r.method === 'PATCH')).toBe(patches);
    });
  });
});
