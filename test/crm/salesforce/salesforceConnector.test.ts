import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import { createSalesforceConnector, salesforceConnectorSchema } from '../../../src/crm/salesforce/index.js';
import { filterToSoql } from '../../../src/crm/salesforce/filterToSoql.js';
import { retryAfterMs } from '../../../src/http/retryAfter.js';
import { parseFilter } from '../../../src/crm/filter.js';
import { STANDARD_RECORDS, type StandardRecordType } from '../../../src/crm/standardRecords.js';
import type { CrmRecord, FieldValue } from '../../../src/domain/crmRecord.js';
import { describeIssues } from '../../../src/domain/errors.js';
import { WorkflowEngine, type ExecuteRequest } from '../../../src/workflows/engine.js';
import type { WorkflowResult } from '../../../src/workflows/result.js';
import type { SearchResult } from '../../../src/workflows/search.js';
import { describeConnectorContract, seedThroughPort } from '../connectorContract.js';
import {
  clientCredentials,
  connectorBlock,
  connectorFor,
  credentials,
  deps,
  engineConfigurations,
  ENV,
  ids,
  NAMES,
  opts,
  privatePem,
  query,
  quote,
  rejection,
  signal,
  silent,
  startServer,
  uniq,
} from './fixtures.js';
import { SalesforceWireServer } from './wireServer.js';

// ------------------------------------------------------------------------------------------ contract

describeConnectorContract('Salesforce (local wire server)', async () => {
  const server = await startServer(2);
  const connector = connectorFor(server);
  const setup = {
    connector,
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    /** The integration user loses Read on the type's object (Salesforce then answers INVALID_TYPE), until restored. */
    refuseSearchOf: async (type: 'account' | 'contact' | 'lead' | 'case') => {
      const object = NAMES.types![type]!;
      server.hideObject(object);
      return async () => server.showObject(object);
    },
    dispose: () => server.stop(),
  };
  return setup;
});

// ------------------------------------------------------------------------------------------ configuration

describe('salesforceConnectorSchema', () => {
  const issues = (value: unknown) => {
    const parsed = salesforceConnectorSchema.safeParse(value);
    return parsed.success ? '' : describeIssues(parsed.error.issues);
  };
  const valid = {
    type: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    apiVersion: '62.0',
    auth: { kind: 'clientCredentials', clientId: '3MVG9abcdefghijkl', clientSecretEnv: 'SECRET_SF_CLIENT_SECRET' },
  };

  it('accepts each auth kind and fills the defaults', () => {
    const parsed = salesforceConnectorSchema.parse(valid);
    expect(parsed).toMatchObject({ activityKeyField: 'CustomerCardKey__c', retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }, searchFields: {} });
    expect(
      issues({
        ...valid,
        auth: { kind: 'jwtBearer', clientId: '3MVG9abcdefghijkl', username: 'integration@acme.com', privateKeyEnv: 'SECRET_SF_JWT_KEY', loginUrl: 'https://test.salesforce.com' },
      }),
    ).toBe('');
    expect(
      issues({
        ...valid,
        auth: {
          kind: 'password',
          clientId: '3MVG9abcdefghijkl',
          clientSecretEnv: 'SECRET_SF_CLIENT_SECRET',
          username: 'integration@acme.com',
          passwordEnv: 'SECRET_SF_PASSWORD',
          securityTokenEnv: 'SECRET_SF_SECURITY_TOKEN',
        },
      }),
    ).toBe('');
    expect(salesforceConnectorSchema.parse({ ...valid, instanceUrl: 'https://acme.my.salesforce.com/' }).instanceUrl).toBe('https://acme.my.salesforce.com');
  });

  it('refuses a secret written in the file, naming the key', () => {
    expect(issues({ ...valid, auth: { ...valid.auth, clientSecret: 'hunter2' } })).toMatch(/auth.*clientSecret/);
    expect(issues({ ...valid, auth: { ...valid.auth, clientSecretEnv: 'my secret value' } })).toMatch(/^auth\.clientSecretEnv: must be the NAME of an environment variable/);
  });

  it('refuses bad URLs, versions, kinds and field names, naming the key', () => {
    expect(issues({ ...valid, instanceUrl: 'http://acme.my.salesforce.com' })).toMatch(/^instanceUrl: must use https/);
    expect(issues({ ...valid, instanceUrl: 'https://acme.lightning.force.com' })).toMatch(/^instanceUrl: .*My Domain/);
    expect(issues({ ...valid, instanceUrl: 'https://acme.my.salesforce.com/services/data' })).toMatch(/^instanceUrl: must be the bare origin/);
    expect(issues({ ...valid, instanceUrl: undefined })).toMatch(/^instanceUrl: give the instance/);
    expect(issues({ ...valid, apiVersion: 'v62.0' })).toMatch(/^apiVersion: must look like "62.0"/);
    expect(issues({ ...valid, apiVersion: '48.0' })).toMatch(/^apiVersion: must be 51.0 or later/);
    expect(issues({ ...valid, auth: { kind: 'oauthMagic' } })).toMatch(/^auth\.kind: kind must be "clientCredentials", "jwtBearer" or "password"/);
    expect(issues({ ...valid, auth: { kind: 'jwtBearer', clientId: '3MVG9abcdefghijkl', privateKeyEnv: 'SECRET_SF_JWT_KEY' } })).toMatch(/^auth\.username: give the Salesforce username/);
    expect(issues({ ...valid, activityKeyField: 'CustomerCardKey' })).toMatch(/^activityKeyField: must be the API name of a custom field/);
    expect(issues({ ...valid, searchFields: { Case: ['Subject'] } })).toMatch(/^searchFields\.Case: searchFields keys are Account, Contact or Lead/);
    expect(issues({ ...valid, endpoint: 'x' })).toMatch(/Unrecognized key.*endpoint/);
  });

  it('the factory names a missing secret and a bad private key, and never prints the key', () => {
    const server = { url: 'https://acme.my.salesforce.com' } as SalesforceWireServer;
    expect(() => createSalesforceConnector(connectorBlock(server, { ...clientCredentials, clientSecretEnv: 'SECRET_SF_NOT_SET' }) as never, 'sf-prod', deps())).toThrow(
      'CRM configuration "sf-prod" needs the secret SECRET_SF_NOT_SET; set it in the environment',
    );
    ENV.SECRET_SF_BAD_KEY = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----';
    const jwt = { kind: 'jwtBearer', clientId: credentials.clientId, username: credentials.username, privateKeyEnv: 'SECRET_SF_BAD_KEY' };
    const error = (() => {
      try {
        createSalesforceConnector(connectorBlock(server, jwt) as never, 'sf-prod', deps());
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).toBe('the secret SECRET_SF_BAD_KEY is not a PEM-encoded RSA private key (the JWT bearer flow signs with RS256)');
    expect(error.message).not.toContain('bm90IGEga2V5');
  });
});

// ------------------------------------------------------------------------------------------ translation

describe('filterToSoql', () => {
  const soql = (filter: string) => filterToSoql(parseFilter(filter));

  it('escapes quotes and backslashes in literals, and wildcards in LIKE patterns', () => {
    expect(soql(`LastName = "O'Brien \\\\ \\"x\\""`)).toBe(`LastName = 'O\\'Brien \\\\ \\"x\\"'`);
    expect(soql('Name contains "100% a_b"')).toBe(`Name LIKE '%100\\% a\\_b%'`);
    expect(soql('Name startswith "it\'s_%"')).toBe(`Name LIKE 'it\\'s\\_\\%%'`);
    expect(soql('Name = "x\' OR Name != \'"')).toBe(`Name = 'x\\' OR Name != \\''`);
  });

  it('keeps and / or grouping with parentheses, and types numbers, booleans, nulls and dates', () => {
    expect(soql('Status != "Closed" and (Subject contains "box" or Priority = "High")')).toBe(`(Status != 'Closed') AND ((Subject LIKE '%box%') OR (Priority = 'High'))`);
    expect(soql('NumberOfEmployees >= 100 and IsClosed = false and Email = null')).toBe('((NumberOfEmployees >= 100) AND (IsClosed = false)) AND (Email = null)');
    expect(soql('CloseDate < "2026-03-14" and CreatedDate > "2026-03-14T09:30:00.000Z"')).toBe('(CloseDate < 2026-03-14) AND (CreatedDate > 2026-03-14T09:30:00Z)');
  });

  it('compares ids exactly, and turns an id that cannot exist into "nothing" / "everything"', () => {
    expect(soql('ContactId = "003Dn0000000001AAA"')).toBe(`ContactId = '003Dn0000000001AAA'`);
    expect(soql(`ContactId = "003' OR Name != '"`)).toBe('Id = null');
    expect(soql('AccountId != "not-an-id"')).toBe('Id != null');
  });

  it('refuses what SOQL cannot say with CrmError 400 naming the filter', () => {
    for (const filter of ['Id contains "001"', 'Amount < null', 'IsClosed > true', 'Amount = 99999999999999999999999']) {
      const error = (() => {
        try {
          soql(filter);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, filter).toBeInstanceOf(CrmError);
      expect(error).toMatchObject({ status: 400, fieldErrors: { filter: expect.any(String) } });
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-03-14T09:30:00.000Z');
    expect(retryAfterMs('7', now.getTime())).toBe(7000);
    expect(retryAfterMs('Sat, 14 Mar 2026 09:30:05 GMT', now.getTime())).toBe(5000);
    expect(retryAfterMs('Sat, 14 Mar 2026 09:29:00 GMT', now.getTime())).toBe(0);
    expect(retryAfterMs('soon', now.getTime())).toBeUndefined();
    expect(retryAfterMs(undefined, now.getTime())).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------ behaviour

describe('SalesforceConnector against the local wire server', () => {
  let server: SalesforceWireServer;
  let crm: CrmConnector;

  beforeAll(async () => {
    server = await startServer(2);
    crm = connectorFor(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Data requests the server saw while `work` ran. */
  async function requestsDuring<T>(work: () => Promise<T>): Promise<{ result: T; requests: typeof server.requests }> {
    const before = server.dataRequests().length;
    const result = await work();
    // The describes (labels, picklists, relationships) are fetched once per type and cached: not counted.
    return {
      result,
      requests: server
        .dataRequests()
        .slice(before)
        .filter((r) => !r.path.endsWith('/describe')),
    };
  }

  describe('no query injection', () => {
    it('finds exactly the literal account for names full of SOQL syntax, never failing', async () => {
      const m = uniq();
      const literals = [`${m} Acme' OR Name != '`, `${m} 100% _Match_`, `${m} Back\\slash\\' x`, `${m} "quoted" (paren) *star*`];
      const created = new Map<string, CrmRecord>();
      for (const name of literals) created.set(name, await crm.create('Account', { Name: name }, opts));
      for (const decoy of [`${m} Acme`, `${m} 100X aMatchb`, `${m} Backslash x`, `${m} quoted paren star`]) await crm.create('Account', { Name: decoy }, opts);

      for (const name of literals) {
        const wanted = [created.get(name)!.id];
        expect(ids(await query(crm, 'Account', `Name = ${quote(name)}`)), name).toEqual(wanted);
        expect(ids(await query(crm, 'Account', `Name startswith ${quote(name)}`)), name).toEqual(wanted);
        expect(ids(await query(crm, 'Account', `Name contains ${quote(name.slice(m.length + 1))} and Name startswith ${quote(m)}`)), name).toEqual(wanted);
      }
      expect(await query(crm, 'Account', `Name = ${quote(`${m}' OR Name != '`)}`)).toEqual([]);
      expect(await query(crm, 'Account', `Name contains ${quote(`${m} %`)}`)).toEqual([]);
      expect(await query(crm, 'Account', `Name contains ${quote(`${m} _`)}`)).toEqual([]);
    });

    it('finds exactly the literal record for numbers and for wildcards inside phone numbers', async () => {
      const m = uniq();
      const hundred = await crm.create('Account', { Name: `${m} hundred`, NumberOfEmployees: 100, Phone: '+1 206 555 0142' }, opts);
      await crm.create('Account', { Name: `${m} thousand`, NumberOfEmployees: 1000, Phone: '+1 206 555 0143' }, opts);
      expect(ids(await query(crm, 'Account', `NumberOfEmployees = 100 and Name startswith ${quote(m)}`))).toEqual([hundred.id]);
      expect(await query(crm, 'Account', `Phone contains "555 014_" and Name startswith ${quote(m)}`)).toEqual([]);
      expect(await query(crm, 'Account', `Phone contains "555%0142" and Name startswith ${quote(m)}`)).toEqual([]);
      expect(ids(await query(crm, 'Account', `Phone contains "555 0142" and Name startswith ${quote(m)}`))).toEqual([hundred.id]);
    });

    it('treats an id field compared with SOQL text as an id nobody has', async () => {
      const contact = await crm.create('Contact', { LastName: `Injected ${uniq()}` }, opts);
      await crm.create('Case', { Subject: 'x', ContactId: contact.id }, opts);
      expect(await query(crm, 'Case', `ContactId = ${quote(`${contact.id}' OR Subject != '`)}`)).toEqual([]);
    });

    it('puts only digits of the E.164 number in the SOSL search, and answers [] for an ANI that is not one', async () => {
      const digits = `425555${String(1000 + Math.floor(Math.random() * 8999)).slice(0, 4)}`;
      const account = await crm.create('Account', { Name: `ANI ${uniq()}`, Phone: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` }, opts);
      const { result, requests } = await requestsDuring(() => crm.findByPhone(`+1${digits}`, opts));
      expect(ids(result)).toEqual([account.id]);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.q).toMatch(/^FIND \{\d+( OR \d+)*\} IN PHONE FIELDS RETURNING Contact\(/);

      for (const ani of [`+1${digits}} RETURNING User(Id)`, `+1${digits}' OR '1'='1`, '*', '+1 206 555 01*']) {
        const attempt = await requestsDuring(() => crm.findByPhone(ani, opts));
        expect(attempt.result, ani).toEqual([]);
      }
    });

    it('keeps only the record whose phone is the very number, not one that merely ends with its digits', async () => {
      const m = uniq();
      const here = await crm.create('Contact', { LastName: `Here ${m}`, MobilePhone: '+1 509 555 0177' }, opts);
      const abroad = await crm.create('Contact', { LastName: `Abroad ${m}`, MobilePhone: '+44 5095550177' }, opts);
      const found = await crm.findByPhone('+15095550177', opts);
      expect(ids(found)).toEqual([here.id]);
      expect(ids(await crm.findByPhone('+445095550177', opts))).toEqual([abroad.id]);
    });

    it('escapes SOSL reserved characters in an email and keeps only the exact address', async () => {
      const m = uniq();
      const address = `o'brien+cards-{${m}}@example.com`;
      const wanted = await crm.create('Contact', { LastName: `Mail ${m}`, Email: address }, opts);
      // Same search tokens, different address: Salesforce's search returns it too; the connector must not.
      await crm.create('Contact', { LastName: `Near ${m}`, Email: `o.brien.cards.${m}@example.com` }, opts);
      const { result, requests } = await requestsDuring(() => crm.findByEmail(address, opts));
      expect(ids(result)).toEqual([wanted.id]);
      expect(requests[0]!.q).toContain(`FIND {o\\'brien\\+cards\\-\\{${m}\\}@example.com} IN EMAIL FIELDS`);
    });
  });

  describe('records', () => {
    it('creates every standard record of its catalogue from canonical fields', async () => {
      expect(Object.keys(crm.standardTypes).sort()).toEqual(['account', 'case', 'contact', 'lead', 'opportunity', 'work_order']);
      expect(crm.unsupported).toEqual({});
      const m = uniq();
      const account = await crm.create('Account', { Name: `Std ${m}` }, opts);
      const contact = await crm.create('Contact', { LastName: `Std ${m}` }, opts);
      const samples: Record<string, Record<string, FieldValue>> = {
        account: { name: `Northwind ${m}`, phone: '+1 206 555 0100', website: 'https://northwind.example', industry: 'Retail', city: 'Seattle' },
        contact: { firstName: 'Maria', lastName: `Garcia ${m}`, phone: '206-555-0101', mobilePhone: '+1 206 555 0142', email: `maria.${m}@example.com`, accountId: account.id, title: 'Buyer' },
        case: { subject: `Damaged shipment ${m}`, description: 'Box crushed', status: 'Working', priority: 'High', contactId: contact.id, accountId: account.id },
        lead: { firstName: 'Lee', lastName: `Lead ${m}`, company: `Fabrikam ${m}`, phone: '+1 425 555 0110', email: `lee.${m}@example.com`, status: 'Working - Contacted' },
        opportunity: { name: `Renewal ${m}`, stage: 'Prospecting', closeDate: '2026-06-30', amount: 12500, accountId: account.id },
        work_order: { subject: `Install ${m}`, description: 'On site', status: 'New', contactId: contact.id, accountId: account.id },
      };
      for (const [canonical, sample] of Object.entries(samples)) {
        const native = crm.standardTypes[canonical as StandardRecordType]!;
        expect(Object.keys(native.fields).sort(), canonical).toEqual([...STANDARD_RECORDS[canonical as StandardRecordType].fields].sort());
        const fields = Object.fromEntries(Object.entries(sample).map(([f, v]) => [native.fields[f]!, v]));
        const record = await crm.create(native.type, fields, opts);
        expect(record.type, canonical).toBe(native.type);
        for (const [field, value] of Object.entries(fields)) expect(record.fields[field], `${canonical}.${field}`).toBe(value);
        expect(await crm.get({ type: record.type, id: record.id }, opts)).toEqual(record);
      }
    });

    it('creates a custom object record and finds it by Custom Search', async () => {
      const m = uniq();
      const record = await crm.create('Interaction__c', { Name: `INT-${m}`, Channel__c: 'voice', Duration__c: 125 }, opts);
      expect(record).toMatchObject({ type: 'Interaction__c', name: `INT-${m}`, fields: { Channel__c: 'voice', Duration__c: 125 } });
      expect(ids(await query(crm, 'Interaction__c', `Name = "INT-${m}" and Duration__c > 100`))).toEqual([record.id]);
    });

    it('follows nextRecordsUrl pages until the limit', async () => {
      const m = uniq();
      for (let i = 0; i < 5; i++) await crm.create('Account', { Name: `Paged ${m} ${i}` }, opts);
      const { result, requests } = await requestsDuring(() => query(crm, 'Account', `Name startswith "Paged ${m}"`, 50));
      expect(result.map((r) => r.name)).toEqual([4, 3, 2, 1, 0].map((i) => `Paged ${m} ${i}`));
      expect(requests.map((r) => r.path.replace(/01g[0-9a-f]+-\d+$/, 'LOCATOR'))).toEqual(['/services/data/v62.0/query', '/services/data/v62.0/query/LOCATOR', '/services/data/v62.0/query/LOCATOR']);
    });

    it('lists the open cases of a contact and of an account, newest first, none for a lead', async () => {
      const m = uniq();
      const account = await crm.create('Account', { Name: `Cases ${m}` }, opts);
      const contact = await crm.create('Contact', { LastName: `Cases ${m}`, AccountId: account.id }, opts);
      const older = await crm.create('Case', { Subject: `Older ${m}`, ContactId: contact.id, AccountId: account.id }, opts);
      await crm.create('Case', { Subject: `Closed ${m}`, ContactId: contact.id, Status: 'Closed' }, opts);
      const newer = await crm.create('Case', { Subject: `Newer ${m}`, ContactId: contact.id, AccountId: account.id, Status: 'Escalated' }, opts);
      expect((await crm.openCases({ type: 'Contact', id: contact.id }, { signal, limit: 20 })).map((c) => c.id)).toEqual([newer.id, older.id]);
      expect((await crm.openCases({ type: 'Account', id: account.id }, { signal, limit: 1 })).map((c) => c.id)).toEqual([newer.id]);
      const lead = await crm.create('Lead', { LastName: `Cases ${m}`, Company: 'Co' }, opts);
      expect(await crm.openCases({ type: 'Lead', id: lead.id }, { signal, limit: 20 })).toEqual([]);
      expect(newer.name).toBe(`${String(newer.fields.CaseNumber)} Newer ${m}`);
    });

    it('writes the timeline as a completed call task, keyed, in one lookup and one write; a repeat is one lookup', async () => {
      const m = uniq();
      const contact = await crm.create('Contact', { LastName: `Timeline ${m}` }, opts);
      const account = await crm.create('Account', { Name: `Timeline ${m}` }, opts);
      const activity = {
        key: `int-${m}:Contact:${contact.id}`,
        regarding: { type: 'Contact', id: contact.id },
        subject: 'Inbound call +1 206 555 0142',
        description: 'Interaction int-1 (voice)',
        at: '2026-03-04T23:20:30.000Z',
        fields: { interactionId: `int-${m}`, durationSeconds: 125, disposition: 'Resolved', agentName: 'Alex', notes: null },
      };
      const first = await requestsDuring(() => crm.logActivity(activity, opts));
      expect(first.result.created).toBe(true);
      expect(first.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
      const again = await requestsDuring(() => crm.logActivity(activity, opts));
      expect(again.result).toMatchObject({ created: false, record: { id: first.result.record.id } });
      expect(again.requests).toHaveLength(1);

      const task = server.stored('Task').find((t) => t.Id === first.result.record.id)!;
      expect(task).toMatchObject({
        WhoId: contact.id,
        WhatId: null,
        Subject: activity.subject,
        Description: activity.description,
        Status: 'Completed',
        TaskSubtype: 'Call',
        CallObject: `int-${m}`,
        CallDurationInSeconds: 125,
        CallDisposition: 'Resolved',
        CustomerCardKey__c: activity.key,
        // The call's date, not the day the job ran.
        ActivityDate: '2026-03-04',
      });

      const onAccount = await crm.logActivity({ ...activity, key: `int-${m}:Account`, regarding: { type: 'Account', id: account.id } }, opts);
      expect(server.stored('Task').find((t) => t.Id === onAccount.record.id)).toMatchObject({ WhatId: account.id, WhoId: null });
      expect(ids(await crm.listActivities({ type: 'Account', id: account.id }, { signal, limit: 5 }))).toEqual([onAccount.record.id]);
    });

    it('says 404 for a timeline on a record that does not exist', async () => {
      const ghost = '003Dn0000zzzzzzAAA';
      const attempt = crm.logActivity({ key: `ghost-${uniq()}`, regarding: { type: 'Contact', id: ghost }, subject: 's', description: 'd', at: '2026-03-04T10:20:30.000Z', fields: {} }, opts);
      await expect(attempt).rejects.toMatchObject({ status: 404 });
      const wrongType = await crm.create('Account', { Name: `Wrong ${uniq()}` }, opts);
      await expect(
        crm.logActivity({ key: `wrong-${uniq()}`, regarding: { type: 'Contact', id: wrongType.id }, subject: 's', description: 'd', at: '2026-03-04T10:20:30.000Z', fields: {} }, opts),
      ).rejects.toMatchObject({ status: 404 });
    });

    it('updates with one PATCH and one read, and 404s an id Salesforce does not have', async () => {
      const contact = await crm.create('Contact', { LastName: `Patch ${uniq()}` }, opts);
      const { result, requests } = await requestsDuring(() => crm.update({ type: 'Contact', id: contact.id }, { Last_Agent__c: 'Alex Agent', Title: 'Owner' }, opts));
      expect(result.fields).toMatchObject({ Last_Agent__c: 'Alex Agent', Title: 'Owner', LastName: contact.fields.LastName });
      expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `PATCH /services/data/v62.0/sobjects/Contact/${contact.id}`,
        // The read is a SOQL query (FIELDS(ALL) and the related names), not GET /sobjects/Contact/<id>.
        'GET /services/data/v62.0/query',
      ]);
      await expect(crm.update({ type: 'Contact', id: '003Dn0000zzzzzzAAA' }, { Title: 'x' }, opts)).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('field errors', () => {
    it("says which Salesforce field is wrong, with Salesforce's own message", async () => {
      const missing = await rejection(crm.create('Contact', { FirstName: 'No last name' }, opts));
      expect(missing).toBeInstanceOf(CrmError);
      expect(missing).toMatchObject({ status: 400, fieldErrors: { LastName: 'Required fields are missing: [LastName]' } });

      server.validationRules.push({ object: 'Contact', field: 'Phone', message: 'Phone must start with +', breaks: (f) => typeof f.Phone === 'string' && !f.Phone.startsWith('+') });
      try {
        await expect(crm.create('Contact', { LastName: `Rule ${uniq()}`, Phone: '206 555 0100' }, opts)).rejects.toMatchObject({
          status: 400,
          fieldErrors: { Phone: 'Phone must start with +' },
        });
      } finally {
        server.validationRules.length = 0;
      }

      await expect(crm.create('Contact', { LastName: 'x', Shoe_Size__c: 42 }, opts)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { Shoe_Size__c: "No such column 'Shoe_Size__c' on sobject of type Contact" },
      });
      await expect(crm.create('Nope__c', { Name: 'x' }, opts)).rejects.toMatchObject({ status: 400, fieldErrors: { entity: expect.stringContaining('Nope__c') } });
      await expect(query(crm, 'Contact', 'Shoe_Size__c = 42')).rejects.toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining("No such column 'Shoe_Size__c'") } });
    });
  });

  describe('tokens', () => {
    it('gets a new token once when the session expired, and the call succeeds', async () => {
      const contact = await crm.create('Contact', { LastName: `Session ${uniq()}` }, opts);
      server.expireTokens();
      const tokensBefore = server.tokenRequests.length;
      const { result, requests } = await requestsDuring(() => crm.get({ type: 'Contact', id: contact.id }, opts));
      expect(result?.id).toBe(contact.id);
      expect(server.tokenRequests.length).toBe(tokensBefore + 1);
      expect(requests).toHaveLength(2);
      expect(requests[0]!.authorization).not.toBe(requests[1]!.authorization);
    });

    it('shares one new token among calls that fail together', async () => {
      const contact = await crm.create('Contact', { LastName: `Together ${uniq()}` }, opts);
      server.expireTokens();
      const tokensBefore = server.tokenRequests.length;
      const got = await Promise.all(Array.from({ length: 6 }, () => crm.get({ type: 'Contact', id: contact.id }, opts)));
      expect(got.every((r) => r?.id === contact.id)).toBe(true);
      expect(server.tokenRequests.length).toBe(tokensBefore + 1);
    });

    it('refreshes only once when Salesforce keeps refusing, then says the credentials were refused', async () => {
      server.refuseApi(401);
      try {
        const tokensBefore = server.tokenRequests.length;
        const error = await rejection(crm.findByEmail('nobody@example.com', opts));
        expect(error).toBeInstanceOf(CrmError);
        expect(error).toMatchObject({ status: 401, message: 'Salesforce refused the credentials of configuration "sf-test" (INVALID_SESSION_ID)' });
        expect(server.tokenRequests.length).toBe(tokensBefore + 1);
      } finally {
        server.refuseApi(undefined);
      }
      server.refuseApi(403);
      try {
        await expect(crm.findByEmail('nobody@example.com', opts)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('API_DISABLED_FOR_ORG') });
      } finally {
        server.refuseApi(undefined);
      }
    });

    it('says 401 when the token endpoint refuses, without the secret', async () => {
      server.refuseCredentials('invalid_client');
      try {
        const fresh = connectorFor(server);
        const error = await rejection(fresh.findByPhone('+12065550100', opts));
        expect(error).toBeInstanceOf(CrmError);
        expect(error).toMatchObject({ status: 401, message: 'Salesforce refused the credentials of configuration "sf-test" (invalid_client: invalid client credentials)' });
        expect((error as Error).message).not.toContain(credentials.clientSecret);
      } finally {
        server.acceptCredentials();
      }
    });

    it('signs in by JWT bearer with the configured key, and is refused with another key', async () => {
      const jwt = { kind: 'jwtBearer', clientId: credentials.clientId, username: credentials.username, privateKeyEnv: 'SECRET_SF_JWT_KEY', loginUrl: server.url };
      const before = server.tokenRequests.length;
      const viaJwt = connectorFor(server, jwt);
      const created = await viaJwt.create('Account', { Name: `JWT ${uniq()}` }, opts);
      expect(created.type).toBe('Account');
      const request = server.tokenRequests.slice(before)[0]!;
      expect(request.grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(new URLSearchParams(request.body).get('client_id')).toBeNull();
      const claims = JSON.parse(Buffer.from(new URLSearchParams(request.body).get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: credentials.clientId, sub: credentials.username, aud: 'https://login.salesforce.com' });

      const wrongKey = connectorFor(server, { ...jwt, privateKeyEnv: 'SECRET_SF_OTHER_KEY' });
      await expect(wrongKey.get({ type: 'Account', id: created.id }, opts)).rejects.toMatchObject({
        status: 401,
        message: 'Salesforce refused the credentials of configuration "sf-test" (invalid_grant: invalid assertion)',
      });
    });

    it('signs in with username, password and security token for legacy orgs', async () => {
      const password = {
        kind: 'password',
        clientId: credentials.clientId,
        clientSecretEnv: 'SECRET_SF_CLIENT_SECRET',
        username: credentials.username,
        passwordEnv: 'SECRET_SF_PASSWORD',
        securityTokenEnv: 'SECRET_SF_SECURITY_TOKEN',
        loginUrl: server.url,
      };
      const before = server.tokenRequests.length;
      expect((await connectorFor(server, password).create('Lead', { LastName: `Legacy ${uniq()}`, Company: 'Old Org' }, opts)).type).toBe('Lead');
      expect(server.tokenRequests.slice(before).map((r) => r.grantType)).toEqual(['password']);
      const noToken = connectorFor(server, { ...password, securityTokenEnv: undefined });
      await expect(noToken.findByEmail('a@example.com', opts)).rejects.toMatchObject({ status: 401, message: expect.stringContaining('invalid_grant: authentication failure') });
    });
  });

  // 429, 503, Retry-After, backoff, aborts: transportConformance.test.ts. What only Salesforce does stays here.
  describe('REQUEST_LIMIT_EXCEEDED (a 403 that means "throttled")', () => {
    it('backs off on 503 and REQUEST_LIMIT_EXCEEDED without Retry-After, then succeeds', async () => {
      const contact = await crm.create('Contact', { LastName: `Busy ${uniq()}` }, opts);
      server.failNext(
        { status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' },
        { status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' },
      );
      expect((await requestsDuring(() => crm.get({ type: 'Contact', id: contact.id }, opts))).requests).toHaveLength(3);
    });

    it('fails at once when Salesforce asks to wait longer than the configuration allows', async () => {
      server.failNext({ status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.', retryAfter: '3600' });
      const started = performance.now();
      await expect(crm.findByEmail('limit@example.com', opts)).rejects.toMatchObject({ status: 429, message: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') });
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });
});

// ------------------------------------------------------------------------------------------ secrets in logs

describe('logs', () => {
  it('never carry a secret or a token, whatever happens', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const server = await startServer(2);
    try {
      const crm = connectorFor(server, clientCredentials, logger);
      const jwtCrm = connectorFor(server, { kind: 'jwtBearer', clientId: credentials.clientId, username: credentials.username, privateKeyEnv: 'SECRET_SF_JWT_KEY', loginUrl: server.url }, logger);
      const passwordCrm = connectorFor(
        server,
        {
          kind: 'password',
          clientId: credentials.clientId,
          clientSecretEnv: 'SECRET_SF_CLIENT_SECRET',
          username: credentials.username,
          passwordEnv: 'SECRET_SF_PASSWORD',
          securityTokenEnv: 'SECRET_SF_SECURITY_TOKEN',
          loginUrl: server.url,
        },
        logger,
      );
      const contact = await crm.create('Contact', { LastName: 'Logged' }, opts);
      await jwtCrm.get({ type: 'Contact', id: contact.id }, opts);
      await passwordCrm.get({ type: 'Contact', id: contact.id }, opts);
      server.expireTokens();
      await crm.get({ type: 'Contact', id: contact.id }, opts);
      server.failNext({ status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'busy' });
      await crm.get({ type: 'Contact', id: contact.id }, opts);
      server.refuseCredentials();
      server.expireTokens();
      const engine = new WorkflowEngine({ configurations: engineConfigurations(server), connectorFor: () => crm, logger, defaultRegion: 'US' });
      const refused = await engine.execute({ configurationId: 'sf-test', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550100' } }) });
      expect(refused.outcome).toBe('InternalError');
      await crm.create('Contact', {}, opts).catch(() => undefined);

      const text = lines.join('\n');
      expect(text).toContain('Salesforce access token obtained');
      expect(text).toContain('retrying');
      expect(text).toContain('workflow failed');
      const forbidden = [
        credentials.clientSecret,
        credentials.password,
        credentials.securityToken,
        ...server.issuedTokens,
        ...privatePem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')),
      ];
      expect(server.issuedTokens.length).toBeGreaterThanOrEqual(4);
      for (const secret of forbidden) expect(text.includes(secret), 'a secret reached the log').toBe(false);
    } finally {
      await server.stop();
    }
  });
});

describe('WorkflowEngine over Salesforce', () => {
  let server: SalesforceWireServer;
  let crm: CrmConnector;
  let engine: WorkflowEngine;

  beforeAll(async () => {
    server = await startServer(2);
    crm = connectorFor(server);
    engine = new WorkflowEngine({ configurations: engineConfigurations(server), connectorFor: () => crm, logger: silent, defaultRegion: 'US' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const run = <T = unknown>(workflowId: string, workflowInput: unknown, extra: Partial<ExecuteRequest> = {}): Promise<WorkflowResult<T>> =>
    engine.execute({ configurationId: 'sf-test', workflowId, payload: JSON.stringify({ workflowInput }), ...extra }) as Promise<WorkflowResult<T>>;

  it('runs the data dip, the creates, the update and the ACW workflows with the right branches', async () => {
    const m = uniq();
    const account = await crm.create('Account', { Name: `Contoso ${m}`, Phone: '(206) 555-0100' }, opts);

    const created = await run<{ record: CrmRecord }>('create-contact', {
      firstName: 'Maria',
      lastName: `Garcia ${m}`,
      mobilePhone: '+1 206 555 0142',
      email: `maria.${m}@contoso.example`,
      accountId: account.id,
    });
    expect(created.branch).toBe('Success');
    const maria = created.resultSet!.record;
    expect(maria).toMatchObject({ type: 'Contact', name: `Maria Garcia ${m}`, fields: { AccountId: account.id } });
    const openCase = await crm.create('Case', { Subject: `Damaged shipment ${m}`, ContactId: maria.id, AccountId: account.id }, opts);

    const dip = await run<SearchResult>('search-ani', { phoneNumber: '(206) 555-0142' });
    expect(dip.branch).toBe('Success');
    expect(dip.resultSet!.records.map((r) => r.id)).toEqual([maria.id]);
    expect(dip.resultSet!.records[0]!.fields['Account.Name']).toBe(`Contoso ${m}`);
    expect(dip.resultSet!.related.map((r) => r.id)).toEqual([openCase.id]);

    const byEmail = await run<SearchResult>('search-ani', { email: `MARIA.${m}@contoso.example` });
    expect(byEmail.resultSet!.records.map((r) => r.id)).toEqual([maria.id]);

    const custom = await run<SearchResult>('custom-search', { search: { entity: 'Case', filter: `Status != "Closed" and Subject contains "shipment ${m}"` } });
    expect(custom.branch).toBe('Success');
    expect(custom.resultSet!.records.map((r) => r.id)).toEqual([openCase.id]);
    const badFilter = await run('custom-search', { search: { entity: 'Case', filter: 'Id contains "500"' } });
    expect(badFilter).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'filter' } });

    const workOrder = await run<{ record: CrmRecord }>('create-work-order', { subject: `Install ${m}`, contactId: maria.id, accountId: account.id });
    expect(workOrder.branch).toBe('Success');
    expect(workOrder.resultSet!.record.type).toBe('WorkOrder');

    const refused = await run('create-custom-record', { entity: 'Contact', fields: { FirstName: 'Nameless' } });
    expect(refused).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'LastName', message: expect.stringContaining('Required fields are missing: [LastName]') } });

    const updated = await run<{ record: CrmRecord }>('update-record', { entity: 'Contact', id: maria.id, fields: { Title: 'Head of purchasing' } });
    expect(updated.branch).toBe('Success');
    expect(updated.resultSet!.record.fields.Title).toBe('Head of purchasing');
    const missing = await run('update-record', { entity: 'Contact', id: '003Dn0000zzzzzzAAA', fields: { Title: 'x' } });
    expect(missing).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'workflowInput.id' } });

    const acw = {
      regarding: { entity: 'Contact', id: maria.id },
      interaction: {
        id: `int-${m}`,
        ani: '+12065550142',
        channel: 'voice',
        startedAt: '2026-03-14T09:30:00.000Z',
        endedAt: '2026-03-14T09:32:05.000Z',
        durationSeconds: 125,
        disposition: 'Resolved',
        notes: 'Replacement shipped',
      },
      agent: { id: 'agent-1', name: 'Alex Agent' },
    };
    const first = await run<{ activity: CrmRecord; created: boolean }>('timeline', acw);
    const second = await run<{ activity: CrmRecord; created: boolean }>('timeline', acw);
    expect([first.branch, second.branch]).toEqual(['Success', 'Success']);
    expect([first.resultSet!.created, second.resultSet!.created]).toEqual([true, false]);
    expect(second.resultSet!.activity.id).toBe(first.resultSet!.activity.id);
    const tasks = server.stored('Task').filter((t) => t.WhoId === maria.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ Subject: 'Inbound call +1 206 555 0142', CallDurationInSeconds: 125, CallDisposition: 'Resolved', Status: 'Completed' });
    expect(String(tasks[0]!.Description)).toContain('Notes: Replacement shipped');

    const memorialized = await run<{ record: CrmRecord }>('memorialize', acw);
    expect(memorialized.branch).toBe('Success');
    expect(server.stored('Contact').find((c) => c.Id === maria.id)).toMatchObject({
      Last_Agent__c: 'Alex Agent',
      Last_Disposition__c: 'Resolved',
      Last_Interaction_Id__c: `int-${m}`,
    });
    const onGhost = await run('timeline', { ...acw, regarding: { entity: 'Contact', id: '003Dn0000zzzzzzAAA' } });
    expect(onGhost).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'workflowInput.regarding.id' } });
  });

  it('turns refused credentials into InternalError saying so, and a stalled call into Timeout', async () => {
    server.refuseApi(403);
    try {
      const refused = await run('search-ani', { phoneNumber: '+12065550142' });
      expect(refused).toMatchObject({ branch: 'InternalError', errorArgs: { message: expect.stringContaining('refused the credentials of configuration "sf-test"') } });
    } finally {
      server.refuseApi(undefined);
    }
    server.failNext({ status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests', retryAfter: '2' });
    const slow = await engine.execute({ configurationId: 'sf-test', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550142' }, timeoutMilliSec: '200' }) });
    expect(slow.branch).toBe('Timeout');
  });
});
