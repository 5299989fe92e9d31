import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicsConnectorSchema } from '../../../src/crm/dynamics/config.js';
import { plainColumn, type TableInfo } from '../../../src/crm/dynamics/metadata.js';
import { toRecord } from '../../../src/crm/dynamics/recordMapping.js';
import { parseFilter } from '../../../src/crm/filter.js';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { configFor, connectorFor, opts } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

/**
 * Issue 11 on Dynamics 365: records in the canonical model (role, canonical fields, type labels, display
 * values), table descriptions from EntityDefinitions, text search with partial refusals, the timeline dated by
 * the interaction, reads that select what a person reads, updates of writable fields only, $batch failures
 * as what they are. Expectations a-g of the port contract, against the local Dataverse.
 */
describe('Dynamics 365 in the canonical model', () => {
  let server: DataverseWireServer;
  let crm: CrmConnector;
  let contoso: CrmRecord;
  let maria: CrmRecord;
  let damaged: CrmRecord;

  beforeAll(async () => {
    server = await DataverseWireServer.start();
    crm = connectorFor(server);
    contoso = await crm.create('account', { name: 'Contoso Pharmaceuticals', telephone1: '+1 206 555 0100' }, opts());
    maria = await crm.create(
      'contact',
      { firstname: 'Maria', lastname: 'García', emailaddress1: 'maria@contoso.example', telephone1: '(206) 555-0142', mobilephone: '+1 425 555 0143', parentcustomerid_account: contoso.id },
      opts(),
    );
    damaged = await crm.create('incident', { title: 'Damaged shipment', description: 'Box crushed', prioritycode: 'Normal', customerid_contact: maria.id, customerid_account: contoso.id }, opts());
  });
  afterAll(async () => {
    await server?.close();
  });

  const during = async <T>(run: () => Promise<T>) => {
    const before = server.requests.length;
    const result = await run();
    return { result, requests: server.requests.slice(before) };
  };
  const mariaCanonical = () => ({
    firstName: 'Maria',
    lastName: 'García',
    email: 'maria@contoso.example',
    phones: ['(206) 555-0142', '+1 425 555 0143'],
    organization: { ref: { type: 'account', id: contoso.id }, name: 'Contoso Pharmaceuticals' },
  });

  describe('a, b, g: roles, canonical fields and display values on every read', () => {
    it('a contact is a person with its account by name, from get, query, findByPhone and searchText', async () => {
      const reads = [
        await crm.get({ type: 'contact', id: maria.id }, opts()),
        (await crm.query('contact', parseFilter(`lastname = "García"`), { ...opts(), limit: 5 }))[0],
        (await crm.findByPhone('+12065550142', opts())).find((r) => r.id === maria.id),
        (await crm.searchText('maria garcia', ['person'], { ...opts(), limit: 5 })).records[0],
        maria,
      ];
      for (const record of reads) {
        expect(record).toMatchObject({ type: 'contact', id: maria.id, role: 'person', typeLabel: 'Contact', name: 'Maria García' });
        expect(record!.canonical).toEqual(mariaCanonical());
        expect(record!.display).toMatchObject({ parentcustomerid_account: 'Contoso Pharmaceuticals' });
        expect(record!.fields.parentcustomerid_account).toBe(contoso.id);
      }
    });

    it('account, lead, case and activities have their roles and Dataverse display names', async () => {
      const lead = await crm.create('lead', { firstname: 'Lee', lastname: 'Ray', companyname: 'Ray Ltd', parentaccountid: contoso.id }, opts());
      expect(contoso).toMatchObject({ role: 'organization', typeLabel: 'Account', canonical: { phones: ['+1 206 555 0100'] } });
      expect(lead).toMatchObject({ role: 'lead', typeLabel: 'Lead', canonical: { firstName: 'Lee', lastName: 'Ray', organization: { ref: { type: 'account', id: contoso.id } } } });
      expect(damaged).toMatchObject({ role: 'case', typeLabel: 'Case' });
    });

    it('c: a case reads with its person, its organization (names filled), number, subject, status and priority labels', async () => {
      const read = await crm.get({ type: 'incident', id: damaged.id }, opts());
      expect(read!.canonical).toEqual({
        caseNumber: expect.stringMatching(/^CAS-\d{5}-[0-9A-F]{6}$/),
        subject: 'Damaged shipment',
        description: 'Box crushed',
        status: 'In Progress',
        priority: 'Normal',
        person: { ref: { type: 'contact', id: maria.id }, name: 'Maria García' },
        organization: { ref: { type: 'account', id: contoso.id }, name: 'Contoso Pharmaceuticals' },
      });
      expect(read!.fields).toMatchObject({ prioritycode: 2, statuscode: 1 });
      expect(read!.display).toMatchObject({ prioritycode: 'Normal', statuscode: 'In Progress', customerid_account: 'Contoso Pharmaceuticals', primarycontactid: 'Maria García' });
      // The customer lookup is written through its navigation property: a case of a contact alone is attached to it.
      const alone = await crm.create('incident', { title: 'Alone', customerid_contact: maria.id }, opts());
      expect(alone.canonical.person).toEqual({ ref: { type: 'contact', id: maria.id }, name: 'Maria García' });
    });
  });

  describe('item 7: reads select what a person reads', () => {
    it('sends $select with the shown columns: no statecode, versionnumber or derived name columns', async () => {
      const { result, requests } = await during(() => crm.get({ type: 'contact', id: maria.id }, opts()));
      const select = /\$select=([^&]*)/.exec(requests.at(-1)!.url)?.[1]?.split(',') ?? [];
      expect(select).toEqual(expect.arrayContaining(['contactid', 'fullname', 'firstname', 'telephone1', '_parentcustomerid_value', 'statuscode']));
      for (const hidden of ['statecode', 'versionnumber', 'parentcustomeridname']) expect(select).not.toContain(hidden);
      expect(Object.keys(result!.fields)).not.toEqual(expect.arrayContaining(['versionnumber']));
      expect(result!.fields).not.toHaveProperty('statecode');
      expect(result!.fields).not.toHaveProperty('parentcustomeridname');
    });
  });

  describe('d: the timeline dated by the interaction', () => {
    it('logs a phone call at `at` (actualstart/actualend) and lists activities newest first by that date', async () => {
      const later = await crm.logActivity(
        { key: 'call-later', regarding: { type: 'contact', id: maria.id }, subject: 'Inbound call', description: 'Replacement sent', at: '2026-03-04T10:20:30.000Z', fields: { durationSeconds: 125 } },
        opts(),
      );
      // Written after, but the call happened earlier: it lists second.
      await crm.logActivity(
        { key: 'call-earlier', regarding: { type: 'contact', id: maria.id }, subject: 'Earlier call', description: 'Asked about the box', at: '2026-03-01T08:00:00.000Z', fields: {} },
        opts(),
      );
      expect(later.record).toMatchObject({ type: 'phonecall', role: 'activity', typeLabel: 'Phone Call' });
      expect(server.stored('phonecall').find((r) => r.id === later.record.id)!.values).toMatchObject({
        actualstart: Date.parse('2026-03-04T10:20:30Z'),
        actualend: Date.parse('2026-03-04T10:20:30Z'),
      });
      const listed = await crm.listActivities({ type: 'contact', id: maria.id }, { ...opts(), limit: 10 });
      expect(listed.map((r) => r.canonical.subject)).toEqual(['Inbound call', 'Earlier call']);
      expect(listed[0]).toMatchObject({ type: 'phonecall', role: 'activity', typeLabel: 'Phone Call' });
      expect(listed[0]!.canonical).toMatchObject({ activityDate: '2026-03-04T10:20:30Z', description: 'Replacement sent', person: { ref: { type: 'contact', id: maria.id }, name: 'Maria García' } });
      expect(listed[1]!.canonical.activityDate).toBe('2026-03-01T08:00:00Z');
    });

    it('refuses an `at` that is not a date, naming it', async () => {
      const attempt = crm.logActivity({ key: 'bad-at', regarding: { type: 'contact', id: maria.id }, subject: 's', description: 'd', at: 'yesterday', fields: {} }, opts());
      await expect(attempt).rejects.toMatchObject({ status: 400, fieldErrors: { at: expect.stringContaining('ISO 8601') } });
    });
  });

  describe('e: describe from EntityDefinitions', () => {
    it('describes a contact with its labels and kinds, leaving out internal columns', async () => {
      const contact = await crm.describe('contact', opts());
      expect(contact.label).toBe('Contact');
      expect(contact.fields).toMatchObject({
        firstname: { label: 'First Name', kind: 'text', writable: true },
        telephone1: { label: 'Business Phone', kind: 'phone', writable: true },
        mobilephone: { label: 'Mobile Phone', kind: 'phone' },
        emailaddress1: { label: 'Email', kind: 'email' },
        fullname: { label: 'Full Name', writable: false },
        createdon: { label: 'Created On', kind: 'datetime', writable: false },
        parentcustomerid_account: { label: 'Company Name', kind: 'reference', writable: true },
        statuscode: {
          label: 'Status Reason',
          kind: 'choice',
          choices: [
            { value: '1', label: 'Active' },
            { value: '2', label: 'Inactive' },
          ],
        },
      });
      for (const hidden of ['contactid', 'statecode', 'versionnumber', 'parentcustomeridname', 'parentcustomerid']) expect(contact.fields).not.toHaveProperty(hidden);
    });

    it('describes a case with the CRM’s own priorities (High, Normal, Low; Normal by default), and a phone call by its name', async () => {
      const incident = await crm.describe('incident', opts());
      expect(incident.label).toBe('Case');
      expect(incident.fields.prioritycode).toEqual({
        label: 'Priority',
        kind: 'choice',
        writable: true,
        choices: [
          { value: '1', label: 'High' },
          { value: '2', label: 'Normal' },
          { value: '3', label: 'Low' },
        ],
        defaultValue: '2',
      });
      expect(incident.fields.ticketnumber).toMatchObject({ label: 'Case Number', writable: false });
      expect((await crm.describe('phonecall', opts())).label).toBe('Phone Call');
    });

    it('is cached with the table definitions, and an unknown type is a CrmError 404', async () => {
      const { requests } = await during(() => crm.describe('contact', opts()));
      expect(requests).toEqual([]);
      const unknown = await crm.describe('NoSuchType', opts()).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(CrmError);
      expect(unknown).toMatchObject({ status: 404 });
    });
  });

  describe('f: searchText', () => {
    it('finds a person by last name whatever the case and accents, by both words, and a case by its number', async () => {
      for (const text of ['garcia', 'GARCÍA', 'García', 'maria garc']) {
        const { records, refused } = await crm.searchText(text, ['person'], { ...opts(), limit: 10 });
        expect(
          records.map((r) => r.id),
          text,
        ).toEqual([maria.id]);
        expect(refused).toEqual([]);
      }
      const number = damaged.canonical.caseNumber!;
      const cases = await crm.searchText(number.toLowerCase(), ['case'], { ...opts(), limit: 10 });
      expect(cases.records.map((r) => r.id)).toEqual([damaged.id]);
      // Words are looked for in names and email addresses: Maria's address is at contoso.example.
      expect((await crm.searchText('Contoso', ['organization', 'person'], { ...opts(), limit: 10 })).records.map((r) => r.id)).toEqual([contoso.id, maria.id]);
    });

    it('sends the tables in one $batch that continues on error, user text only as parameter values', async () => {
      const { requests } = await during(() => crm.searchText("o'brien 100%", ['person', 'organization', 'lead', 'case'], { ...opts(), limit: 10 }));
      const outer = requests.filter((r) => !r.inBatch);
      expect(outer.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['POST /api/data/v9.2/$batch']);
      expect(outer[0]!.prefer).toContain('odata.continue-on-error');
      const inner = requests.filter((r) => r.inBatch);
      expect(inner.map((r) => r.url.split('?')[0])).toEqual(['/api/data/v9.2/contacts', '/api/data/v9.2/accounts', '/api/data/v9.2/leads', '/api/data/v9.2/incidents']);
      for (const r of inner) expect(/\$filter=([^&]*)/.exec(r.url)![1]).not.toContain('brien');
    });

    it('a table refused with 403 is named with its missing privilege, and the others’ records are kept', async () => {
      server.denyRead('lead');
      try {
        const { records, refused } = await crm.searchText('Contoso', ['organization', 'lead'], { ...opts(), limit: 10 });
        expect(records.map((r) => r.id)).toEqual([contoso.id]);
        expect(refused).toEqual([{ type: 'lead', reason: expect.stringContaining('missing the prvReadLead privilege') }]);
        // Search for ANI keeps the contacts and accounts too (its answer cannot name the refusal: the log does).
        expect((await crm.findByPhone('+12065550142', opts())).map((r) => r.id)).toEqual([maria.id]);
        // Refused everywhere: the search fails as what it is, 403 naming the privilege, not a network failure.
        server.denyRead('contact');
        server.denyRead('account');
        const error = await crm.findByPhone('+12065550142', opts()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CrmError);
        expect(error).toMatchObject({ status: 403, message: expect.stringContaining('missing the prvRead') });
      } finally {
        for (const table of ['lead', 'contact', 'account']) server.denyRead(table, false);
      }
    });

    it('a phone-like text searches the phone columns, however the number was written', async () => {
      const { records } = await crm.searchText('206.555.0142', ['person', 'organization'], { ...opts(), limit: 10 });
      expect(records.map((r) => r.id)).toEqual([maria.id]);
      // A case has no phone: its number is looked for instead, and nothing else is dropped.
      const numbered = await crm.create('incident', { title: 'Numbered', ticketnumber: '2065550142-A', customerid_contact: maria.id }, opts());
      expect((await crm.searchText('2065550142', ['case'], { ...opts(), limit: 10 })).records.map((r) => r.id)).toEqual([numbered.id]);
    });
  });

  describe('item 8: an update sends only writable fields', () => {
    it('leaves out derived and read-only fields sent back from the card, and refuses an update of only those', async () => {
      const updated = await crm.update(
        { type: 'contact', id: maria.id },
        { jobtitle: 'Buyer', parentcustomeridname: 'Contoso Pharmaceuticals', fullname: 'Maria García', createdon: '2026-01-01T00:00:00Z' },
        opts(),
      );
      expect(updated.fields.jobtitle).toBe('Buyer');
      expect(updated.display).toMatchObject({ parentcustomerid_account: 'Contoso Pharmaceuticals' });
      expect(updated.canonical.organization?.name).toBe('Contoso Pharmaceuticals');
      const attempt = crm.update({ type: 'contact', id: maria.id }, { fullname: 'Someone Else' }, opts());
      await expect(attempt).rejects.toMatchObject({ status: 400, fieldErrors: { fullname: 'is read-only in Dynamics 365' } });
    });
  });

  describe('item 10: configuration', () => {
    it('refuses a plain-http authorityHost with MSAL’s reason, on this machine too', () => {
      const parsed = dynamicsConnectorSchema.safeParse(
        configFor(server, { auth: { kind: 'clientSecret', tenantId: server.tenantId, clientId: server.clientId, clientSecretEnv: 'SECRET_X', authorityHost: 'http://127.0.0.1:4443' } }),
      );
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain('auth.authorityHost: must use https');
      expect(parsed.error!.issues.map((i) => i.message).join('\n')).toContain('authority_uri_insecure');
    });
  });

  it('reads a lookup of one table without the lookup annotations (FormattedValue only) as its reference', () => {
    const primary = { name: 'primarycontactid', column: 'primarycontactid', target: 'contact', targetSet: 'contacts' };
    const incident: TableInfo = {
      logicalName: 'incident',
      label: 'Case',
      entitySetName: 'incidents',
      primaryId: 'incidentid',
      primaryName: 'title',
      columns: new Map([['primarycontactid', plainColumn('primarycontactid', 'Lookup', { label: 'Contact' })]]),
      navigations: new Map([['primarycontactid', primary]]),
      lookups: new Map([['primarycontactid', [primary]]]),
    };
    const record = toRecord(incident, {
      incidentid: 'c0ffee00-0000-4000-8000-000000000001',
      title: 'Broken',
      _primarycontactid_value: 'c0ffee00-0000-4000-8000-000000000002',
      '_primarycontactid_value@OData.Community.Display.V1.FormattedValue': 'Maria García',
    });
    expect(record.canonical.person).toEqual({ ref: { type: 'contact', id: 'c0ffee00-0000-4000-8000-000000000002' }, name: 'Maria García' });
    expect(record.display).toEqual({ primarycontactid: 'Maria García' });
  });
});
