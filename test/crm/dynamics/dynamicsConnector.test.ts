import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainColumn, type TableInfo } from '../../../src/crm/dynamics/metadata.js';
import { ODataParams, toODataFilter } from '../../../src/crm/dynamics/odataFilter.js';
import { DYNAMICS_STANDARD_TYPES } from '../../../src/crm/dynamics/standardTypes.js';
import { parseFilter } from '../../../src/crm/filter.js';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import { STANDARD_RECORDS, type StandardRecordType } from '../../../src/crm/standardRecords.js';
import type { CrmRecord, FieldValue } from '../../../src/domain/crmRecord.js';
import { describeConnectorContract, seedThroughPort, type ContractNames } from '../connectorContract.js';
import { capturingLogger, connectorFor, NAMES, opts } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

describeConnectorContract('Dynamics 365 (local wire server)', async () => {
  const server = await DataverseWireServer.start();
  const connector = connectorFor(server);
  const setup = {
    connector,
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    /** The application user's role loses the read privilege of the type's table (Dataverse answers 403). */
    refuseSearchOf: async (type: keyof NonNullable<ContractNames['types']>) => {
      const table = NAMES.types?.[type] ?? type;
      server.denyRead(table);
      return async () => server.denyRead(table, false);
    },
    dispose: () => server.close(),
  };
  return setup;
});

describe('DynamicsConnector against the local Dataverse', () => {
  let server: DataverseWireServer;
  let crm: CrmConnector;

  beforeAll(async () => {
    server = await DataverseWireServer.start();
    crm = connectorFor(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();
  const requestsDuring = async <T>(run: () => Promise<T>) => {
    const before = server.requests.length;
    const result = await run();
    return { result, requests: server.requests.slice(before) };
  };

  describe('injection: user text reaches Dataverse only as escaped parameter values', () => {
    const tricky = [
      "O'Brien",
      "O''Brien",
      "x' or name ne 'x",
      "') or (name ne '",
      'back\\slash',
      '100%',
      'a_b',
      '[bracket]',
      '[^a]',
      '*star*',
      'plus+sign & amp',
      '@p1',
      'eq null',
      '{12345678-1234-1234-1234-123456789012}',
    ];
    const created = new Map<string, CrmRecord>();

    beforeAll(async () => {
      for (const name of tricky) created.set(name, await crm.create('account', { name: `inj ${name}`, accountnumber: 'INJ' }, opts()));
      // Decoys a wildcard or a broken quote would also find.
      for (const name of ['inj OXBrien', 'inj 1000', 'inj aXb', 'inj b', 'inj Obrien', 'inj plus sign & amp']) {
        await crm.create('account', { name, accountnumber: 'INJ' }, opts());
      }
    });

    it.each(tricky)('finds exactly the account named %j with =, and nothing with a near miss', async (name) => {
      const found = await crm.query('account', parseFilter(`name = "${`inj ${name}`.replace(/["\\]/g, '\\$&')}"`), { ...opts(), limit: 50 });
      expect(ids(found)).toEqual([created.get(name)!.id]);
    });

    it.each(tricky)('contains %j finds only the accounts that literally contain it', async (name) => {
      const found = await crm.query('account', parseFilter(`accountnumber = "INJ" and name contains "${name.replace(/["\\]/g, '\\$&')}"`), { ...opts(), limit: 50 });
      const expected = [...created.entries()].filter(([n]) => `inj ${n}`.toLowerCase().includes(name.toLowerCase())).map(([, r]) => r.id);
      expect(ids(found)).toEqual(expected.sort());
    });

    it('sends values as aliases: no user text inside $filter', async () => {
      const { requests } = await requestsDuring(() => crm.query('account', parseFilter(`name = "inj x' or name ne 'x"`), { ...opts(), limit: 5 }));
      const get = requests.find((r) => r.url.includes('/accounts?'))!;
      const filter = /\$filter=([^&]*)/.exec(get.url)![1]!;
      expect(filter).toBe('name eq @p1');
      expect(get.url).toContain("@p1='inj x'' or name ne ''x'");
    });

    it('a number column refuses text that is not a number, naming the filter (no query is sent)', async () => {
      const attempt = crm.query('account', parseFilter('numberofemployees = "5 or 1 eq 1"'), { ...opts(), limit: 5 });
      await expect(attempt).rejects.toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining('not a number') } });
    });

    it('an ANI or email full of query syntax finds exactly the literal record, never errors', async () => {
      const literal = await crm.create('contact', { lastname: 'Mail', emailaddress1: "o'brien+100%_x@example.com" }, opts());
      await crm.create('contact', { lastname: 'Mail decoy', emailaddress1: 'oXbrien+1000Yx@example.com' }, opts());
      expect(ids(await crm.findByEmail("O'Brien+100%_x@example.com", opts()))).toEqual([literal.id]);
      expect(await crm.findByEmail("x' or emailaddress1 ne 'x", opts())).toEqual([]);
      expect(await crm.findByPhone("+1206' or 1 eq 1", opts())).toEqual([]);
      expect(await crm.findByPhone('+1%_[]', opts())).toEqual([]);
    });
  });

  describe('Search for ANI', () => {
    it('searches the three tables in one $batch, over every phone column, and keeps the same E.164 number only', async () => {
      const account = await crm.create('account', { name: 'Batch Co', address1_telephone1: '206.555.0177' }, opts());
      const contact = await crm.create('contact', { lastname: 'Assistant', assistantphone: '+1 (206) 555 01 77' }, opts());
      const lead = await crm.create('lead', { lastname: 'Lead', companyname: 'L', mobilephone: '2065550177' }, opts());
      await crm.create('contact', { lastname: 'Other area', telephone1: '(425) 555-0177' }, opts());
      await crm.findByPhone('+12065550100', opts()); // table definitions are read once, before
      const { result, requests } = await requestsDuring(() => crm.findByPhone('+12065550177', opts()));
      expect(ids(result)).toEqual(ids([account, contact, lead]));
      expect(requests.filter((r) => !r.inBatch).map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['POST /api/data/v9.2/$batch']);
      expect(requests.filter((r) => r.inBatch).map((r) => r.url.split('?')[0])).toEqual(['/api/data/v9.2/accounts', '/api/data/v9.2/contacts', '/api/data/v9.2/leads']);
    });

    it('returns the open cases of a contact, newest first, not the resolved ones', async () => {
      const contact = await crm.create('contact', { lastname: 'Cases' }, opts());
      const older = await crm.create('incident', { title: 'Older', customerid_contact: contact.id }, opts());
      await crm.create('incident', { title: 'Resolved', customerid_contact: contact.id, statuscode: 'Problem Solved' }, opts());
      const newer = await crm.create('incident', { title: 'Newer', customerid_contact: contact.id, prioritycode: 'High' }, opts());
      const open = await crm.openCases(contact, { ...opts(), limit: 10 });
      expect(open.map((c) => c.id)).toEqual([newer.id, older.id]);
      expect(open[0]!.fields).toMatchObject({ prioritycode: 1, customerid_contact: contact.id });
      expect(open[0]!.display).toMatchObject({ prioritycode: 'High', customerid_contact: 'Cases' });
      expect(open[0]!.canonical).toMatchObject({ priority: 'High', status: 'In Progress', person: { ref: { type: 'contact', id: contact.id }, name: 'Cases' } });
      expect(await crm.openCases({ type: 'lead', id: contact.id }, { ...opts(), limit: 10 })).toEqual([]);
    });
  });

  describe('Custom Search', () => {
    it('follows @odata.nextLink pages (page size 2) up to the limit', async () => {
      for (let i = 0; i < 5; i++) await crm.create('account', { name: `Paged ${i}`, accountnumber: 'PAGED' }, opts());
      const { result, requests } = await requestsDuring(() => crm.query('account', parseFilter('accountnumber = "PAGED"'), { ...opts(), limit: 5 }));
      expect(result.map((r) => r.name)).toEqual(['Paged 0', 'Paged 1', 'Paged 2', 'Paged 3', 'Paged 4']);
      expect(requests.map((r) => r.url.includes('$skiptoken'))).toEqual([false, true, true]);
      expect(requests.every((r) => r.prefer.includes('odata.maxpagesize=2'))).toBe(true);
      const three = await requestsDuring(() => crm.query('account', parseFilter('accountnumber = "PAGED"'), { ...opts(), limit: 3 }));
      expect(three.result).toHaveLength(3);
      expect(three.requests).toHaveLength(2);
    });

    it('compares choices by label, lookups by id, numbers, dates, and and/or', async () => {
      const account = await crm.create('account', { name: 'Choice Co', industrycode: 'Consulting', numberofemployees: 40 }, opts());
      await crm.create('account', { name: 'Choice Two', industrycode: 'Financial', numberofemployees: 400 }, opts());
      const contact = await crm.create('contact', { lastname: 'Looked up', parentcustomerid_account: account.id }, opts());
      const find = (entity: string, filter: string) => crm.query(entity, parseFilter(filter), { ...opts(), limit: 20 });
      expect(ids(await find('account', 'industrycode = "consulting" and numberofemployees < 100'))).toEqual([account.id]);
      expect(ids(await find('account', 'name startswith "Choice" and (industrycode = 16 or numberofemployees >= 1000)'))).toHaveLength(1);
      expect(ids(await find('contact', `parentcustomerid_account = "${account.id}"`))).toEqual([contact.id]);
      expect(ids(await find('contact', `parentcustomerid = "${account.id.toUpperCase()}"`))).toEqual([contact.id]);
      expect(ids(await find('account', `id = "${account.id}"`))).toEqual([account.id]);
      expect((await find('contact', `createdon >= "2000-01-01" and lastname = "Looked up"`)).map((r) => r.id)).toEqual([contact.id]);
    });

    it('refuses what Dataverse cannot run, naming the filter', async () => {
      const q = (entity: string, filter: string) => crm.query(entity, parseFilter(filter), { ...opts(), limit: 5 });
      await expect(q('account', 'nosuchcolumn = "x"')).rejects.toMatchObject({ status: 400, fieldErrors: { filter: 'account has no column "nosuchcolumn"' } });
      await expect(q('account', 'industrycode = "Space travel"')).rejects.toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining('Consulting') } });
      await expect(q('contact', 'parentcustomerid = "not-a-guid"')).rejects.toMatchObject({ status: 400 });
      await expect(q('contact', 'parentcustomeridname = "x"')).rejects.toMatchObject({ status: 400 });
      await expect(q('nosuchtable', 'name = "x"')).rejects.toMatchObject({ status: 400, fieldErrors: { entity: 'Dynamics 365 has no table "nosuchtable"' } });
    });
  });

  describe('failures', () => {
    it('an expired token: one new token, and the call succeeds', async () => {
      const record = await crm.create('account', { name: 'Token refresh' }, opts());
      const issued = server.tokensIssued;
      server.revokeTokens();
      const { result, requests } = await requestsDuring(() => crm.get({ type: 'account', id: record.id }, opts()));
      expect(result?.id).toBe(record.id);
      expect(server.tokensIssued).toBe(issued + 1);
      expect(requests).toHaveLength(2);
      expect(requests[0]!.authorization).not.toBe(requests[1]!.authorization);
    });

    it('field errors: 400 naming the column, in Dataverse words', async () => {
      const long = 'x'.repeat(60);
      await expect(crm.create('contact', { lastname: 'Long', firstname: long }, opts())).rejects.toMatchObject({
        status: 400,
        fieldErrors: { firstname: "A validation error occurred. The length of the 'firstname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'." },
      });
      await expect(crm.create('contact', { lastname: 'Unknown', new_nosuchcolumn: 'x' }, opts())).rejects.toMatchObject({
        status: 400,
        fieldErrors: { new_nosuchcolumn: expect.stringContaining("The property 'new_nosuchcolumn' does not exist on type 'Microsoft.Dynamics.CRM.contact'") },
      });
      await expect(crm.create('incident', { title: 'No customer' }, opts())).rejects.toMatchObject({ status: 400, message: expect.stringContaining('parent contact or account') });
      await expect(crm.create('incident', { title: 'Bad priority', prioritycode: 'Urgent' }, opts())).rejects.toMatchObject({
        status: 400,
        fieldErrors: { prioritycode: expect.stringContaining('High, Normal, Low') },
      });
      await expect(crm.create('contact', { lastname: 'Both', parentcustomerid: '00000000-0000-0000-0000-000000000001' }, opts())).rejects.toMatchObject({
        status: 400,
        fieldErrors: { parentcustomerid: expect.stringContaining('parentcustomerid_account or parentcustomerid_contact') },
      });
    });

    it('a lookup to a record that does not exist: 404', async () => {
      const attempt = crm.create('contact', { lastname: 'Orphan', parentcustomerid_account: '00000000-0000-0000-0000-000000000001' }, opts());
      await expect(attempt).rejects.toMatchObject({ status: 404 });
      const timeline = crm.logActivity(
        { key: 'missing-record', regarding: { type: 'contact', id: '00000000-0000-0000-0000-000000000002' }, subject: 's', description: 'd', at: '2026-03-04T10:20:30.000Z', fields: {} },
        opts(),
      );
      await expect(timeline).rejects.toMatchObject({ status: 404 });
    });

    it('credentials refused: CrmError 401 naming the configuration, never the secret; 403 likewise', async () => {
      const { logger, lines } = capturingLogger();
      const refused = connectorFor(server, { logger, id: 'contoso-dynamics' });
      server.refuseCredentials();
      try {
        const error = await refused.get({ type: 'account', id: '00000000-0000-0000-0000-000000000001' }, opts()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CrmError);
        expect(error).toMatchObject({ status: 401, message: expect.stringContaining('refused the credentials of configuration "contoso-dynamics"') });
        expect((error as Error).message).toContain('AADSTS7000215');
        expect((error as Error).message).not.toContain(server.clientSecret);
      } finally {
        server.refuseCredentials(false);
      }
      server.forbid();
      try {
        const error = await refused.get({ type: 'account', id: '00000000-0000-0000-0000-000000000001' }, opts()).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, message: expect.stringContaining('did not let configuration "contoso-dynamics" read') });
        expect((error as Error).message).toContain('missing the prvReadContact privilege');
      } finally {
        server.forbid(false);
      }
      expect(lines.join('')).not.toContain(server.clientSecret);
    });

    it('logs neither the secret nor a token, through refusal, refresh and throttling', async () => {
      const { logger, lines } = capturingLogger();
      const logged = connectorFor(server, { logger });
      const record = await logged.create('account', { name: 'Logged' }, opts());
      server.revokeTokens();
      server.throttle(1, { retryAfter: '0' });
      await logged.get({ type: 'account', id: record.id }, opts());
      const wrong = connectorFor(server, { logger, secret: 'not-the-secret-value' });
      await expect(wrong.get({ type: 'account', id: record.id }, opts())).rejects.toMatchObject({ status: 401 });
      const text = lines.join('');
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(text).toContain('throttled');
      for (const secret of [server.clientSecret, 'not-the-secret-value', ...server.issuedTokens]) expect(text).not.toContain(secret);
    });
  });

  describe('standard creates of the Dynamics catalogue', () => {
    const examples: Record<string, (refs: { account: string; contact: string }) => Record<string, FieldValue>> = {
      account: () => ({ name: 'Fabrikam', phone: '+1 425 555 0101', website: 'https://fabrikam.example', industry: 'Consulting', city: 'Redmond' }),
      contact: ({ account }) => ({ firstName: 'Ana', lastName: 'Bell', phone: '425-555-0102', mobilePhone: '425 555 0103', email: 'ana@fabrikam.example', accountId: account, title: 'Buyer' }),
      case: ({ account, contact }) => ({ subject: 'Broken part', description: 'It broke', status: 'Waiting for Details', priority: 'High', contactId: contact, accountId: account }),
      lead: () => ({ firstName: 'Lee', lastName: 'Ray', company: 'Ray Ltd', phone: '425 555 0104', email: 'lee@ray.example', status: 'Contacted' }),
      opportunity: ({ account }) => ({ name: 'Renewal', stage: 'Propose', closeDate: '2026-06-30', amount: 25000, accountId: account }),
      phone_call: ({ contact }) => ({ subject: 'Callback', description: 'Call back', phoneNumber: '+14255550105', contactId: contact }),
    };

    it('covers exactly SPEC’s Dynamics catalogue, with only standard fields', () => {
      expect(Object.keys(DYNAMICS_STANDARD_TYPES).sort()).toEqual(['account', 'case', 'contact', 'lead', 'opportunity', 'phone_call']);
      for (const [type, native] of Object.entries(DYNAMICS_STANDARD_TYPES)) {
        for (const field of Object.keys(native!.fields)) expect(STANDARD_RECORDS[type as StandardRecordType].fields as readonly string[]).toContain(field);
      }
    });

    it.each(Object.keys(examples))('creates a standard %s with every standard field, read back', async (type) => {
      const account = await crm.create('account', { name: 'Standard parent' }, opts());
      const contact = await crm.create('contact', { lastname: 'Standard person' }, opts());
      const native = DYNAMICS_STANDARD_TYPES[type as StandardRecordType]!;
      const canonical = examples[type]!({ account: account.id, contact: contact.id });
      const fields = Object.fromEntries(Object.entries(canonical).map(([f, v]) => [native.fields[f]!, v]));
      const record = await crm.create(native.type, fields, opts());
      expect(record.type).toBe(native.type);
      const read = await crm.get({ type: record.type, id: record.id }, opts());
      expect(read).toEqual(record);
      for (const [field, value] of Object.entries(fields)) {
        if (type === 'case' && field === 'customerid_contact') continue; // became the primary contact: the account is the customer
        const expected = field === 'estimatedclosedate' ? '2026-06-30T00:00:00Z' : value;
        // Lookups read as the id, choices as their stored value with their label in `display`, money as a number.
        const stored = typeof value === 'number' || (typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value));
        const read = stored ? record.fields[field] : (record.display?.[field] ?? record.fields[field]);
        expect(read, field).toEqual(expected);
      }
      if (type === 'case') {
        expect(record.fields).toMatchObject({ customerid_account: account.id, primarycontactid: contact.id });
        expect(record.display).toMatchObject({ customerid_account: 'Standard parent', primarycontactid: 'Standard person' });
      }
    });
  });

  describe('the filter translation', () => {
    const table: TableInfo = {
      logicalName: 'contact',
      entitySetName: 'contacts',
      primaryId: 'contactid',
      primaryName: 'fullname',
      label: 'Contact',
      columns: new Map([
        ['contactid', plainColumn('contactid', 'Uniqueidentifier')],
        ['fullname', plainColumn('fullname', 'String')],
        ['lastname', plainColumn('lastname', 'String')],
        ['statuscode', plainColumn('statuscode', 'Status', { options: [{ value: 1, label: 'Active', state: 0 }] })],
      ]),
      navigations: new Map(),
      lookups: new Map(),
    };

    it('puts every value in an alias, brackets LIKE wildcards, doubles quotes, and keeps the grouping', () => {
      const params = new ODataParams();
      const filter = toODataFilter(parseFilter(`(name = "O'Hara" or lastname contains "50%_[x]") and statuscode != "active"`), table, params);
      expect(filter).toBe('((fullname eq @p1 or contains(lastname,@p2)) and statuscode ne @p3)');
      expect(params.toQueryParams().map(decodeURIComponent)).toEqual(["@p1='O''Hara'", "@p2='50[%][_][[]x]'", '@p3=1']);
    });
  });
});
