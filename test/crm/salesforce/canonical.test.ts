import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { WorkflowEngine } from '../../../src/workflows/engine.js';
import { connectorFor, engineConfigurations, opts, rejection, signal, silent, startServer, uniq } from './fixtures.js';
import type { SalesforceWireServer } from './wireServer.js';

/**
 * Issue 11 on Salesforce: records in the canonical model (roles, canonical fields, type labels, display
 * values), the sObject describe, text search, the call's date on the timeline, and who is to blame when
 * Salesforce refuses a query the connector built. Against the wire server, whose describe, SOSL and errors
 * follow Salesforce's documentation.
 */

describe('Salesforce canonical model (issue 11)', () => {
  let server: SalesforceWireServer;
  let crm: CrmConnector;
  const m = uniq();
  let account: CrmRecord;
  let maria: CrmRecord;
  let theCase: CrmRecord;

  beforeAll(async () => {
    server = await startServer(2);
    crm = connectorFor(server);
    account = await crm.create('Account', { Name: `Contoso Pharmaceuticals ${m}`, Phone: '(206) 555-0100' }, opts);
    maria = await crm.create('Contact', { FirstName: 'Maria', LastName: `Garcia${m}`, Email: `maria.${m}@contoso.example`, MobilePhone: '+1 206 555 0142', AccountId: account.id }, opts);
    theCase = await crm.create('Case', { Subject: `Damaged shipment ${m}`, ContactId: maria.id, AccountId: account.id, Priority: 'High' }, opts);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const organization = () => ({ ref: { type: 'Account', id: account.id }, name: `Contoso Pharmaceuticals ${m}` });
  const person = (record: CrmRecord | undefined) => {
    expect(record).toMatchObject({
      role: 'person',
      typeLabel: 'Contact',
      canonical: { firstName: 'Maria', lastName: `Garcia${m}`, email: `maria.${m}@contoso.example`, phones: ['+1 206 555 0142'], organization: organization() },
      display: { AccountId: `Contoso Pharmaceuticals ${m}` },
    });
  };

  it('a. b. gives every record its role, and a person its organization by name, from create, get, query, phone, email and text search', async () => {
    person(maria);
    person((await crm.get({ type: 'Contact', id: maria.id }, opts))!);
    person((await crm.query('Contact', { kind: 'cmp', field: 'Id', op: '=', value: maria.id }, { signal, limit: 5 }))[0]);
    person((await crm.findByPhone('+12065550142', opts)).find((r) => r.id === maria.id));
    person((await crm.findByEmail(`MARIA.${m}@contoso.example`, opts))[0]);
    person((await crm.searchText(`garcia${m}`, ['person'], { signal, limit: 10 })).records[0]);
    expect(account).toMatchObject({ role: 'organization', typeLabel: 'Account', canonical: { phones: ['(206) 555-0100'] } });
    // A person without an organization has none, and no empty "Account" field from the unset relationship.
    const alone = await crm.get({ type: 'Contact', id: (await crm.create('Contact', { LastName: `Alone${m}` }, opts)).id }, opts);
    expect(alone!.canonical.organization).toBeUndefined();
    expect(Object.keys(alone!.fields)).not.toContain('Account');
    expect(alone!.display?.AccountId).toBeUndefined();
    const lead = await crm.create('Lead', { FirstName: 'Lee', LastName: `Lead${m}`, Company: 'Fabrikam' }, opts);
    expect(lead).toMatchObject({ role: 'lead', typeLabel: 'Lead', canonical: { lastName: `Lead${m}`, status: 'Open - Not Contacted' } });
  });

  it('puts people first in a phone match (the data dip links the contact before its account)', async () => {
    const shared = await crm.create('Account', { Name: `Shared line ${m}`, Phone: '(206) 555-0188' }, opts);
    const reception = await crm.create('Contact', { LastName: `Reception${m}`, Phone: '206-555-0188', AccountId: shared.id }, opts);
    const found = await crm.findByPhone('+12065550188', opts);
    expect(found.map((r) => [r.role, r.id])).toEqual([
      ['person', reception.id],
      ['organization', shared.id],
    ]);
  });

  it('refuses an activity without a valid time of the call, naming the field', async () => {
    const refused = await rejection(crm.logActivity({ key: `no-time-${m}`, regarding: { type: 'Contact', id: maria.id }, subject: 's', description: 'd', at: 'March 4', fields: {} }, opts));
    expect(refused).toMatchObject({ status: 400, fieldErrors: { at: expect.any(String) as unknown } });
  });

  it('4. keeps the organization name when Details reads the record alone (get), not only in a search', async () => {
    const details = await crm.get({ type: 'Contact', id: maria.id }, opts);
    expect(details!.fields['Account.Name']).toBe(`Contoso Pharmaceuticals ${m}`);
    expect(details!.canonical.organization).toEqual(organization());
    // Read by SOQL with FIELDS(ALL) and the related names, never GET /sobjects/Contact/<id> (no names there).
    const reads = server.dataRequests().filter((r) => r.q?.includes(`'${maria.id}'`));
    expect(reads.at(-1)!.q).toMatch(/^SELECT FIELDS\(ALL\), .*Account\.Name.* FROM Contact WHERE Id = /);
  });

  it('reads the record without related names when Salesforce refuses one of them (an org-specific relationship)', async () => {
    server.failNext({ status: 400, errorCode: 'INVALID_FIELD', message: "No such column 'Name' on entity 'SomeRelatedObject'" });
    const plain = await crm.get({ type: 'Contact', id: maria.id }, opts);
    expect(plain).toMatchObject({ id: maria.id, role: 'person', canonical: { lastName: `Garcia${m}` } });
    expect(plain!.display?.AccountId).toBeUndefined();
    const reads = server
      .dataRequests()
      .filter((r) => r.q?.includes(`'${maria.id}'`))
      .slice(-2);
    expect(reads.map((r) => r.q!.startsWith('SELECT FIELDS(ALL) FROM Contact'))).toEqual([false, true]);
  });

  it('c. g. gives a case its person and organization by name, its number, subject, and status and priority as labels', async () => {
    const expected = {
      role: 'case',
      typeLabel: 'Case',
      canonical: {
        caseNumber: expect.stringMatching(/^\d{8}$/) as unknown,
        subject: `Damaged shipment ${m}`,
        status: 'New',
        priority: 'High',
        person: { ref: { type: 'Contact', id: maria.id }, name: `Maria Garcia${m}` },
        organization: organization(),
      },
      display: { ContactId: `Maria Garcia${m}`, AccountId: `Contoso Pharmaceuticals ${m}`, Status: 'New', Priority: 'High' },
    };
    expect(theCase).toMatchObject(expected);
    expect((await crm.openCases({ type: 'Contact', id: maria.id }, { signal, limit: 5 }))[0]).toMatchObject(expected);
    expect((await crm.get({ type: 'Case', id: theCase.id }, opts))!).toMatchObject(expected);
  });

  it('g. shows a picklist by its label where an admin relabelled it, and keeps the stored value in fields', async () => {
    const other = await startServer(2);
    try {
      other.relabelPicklistValue('Case', 'Status', 'Escalated', 'Escalated to Tier 2');
      const fresh = connectorFor(other);
      const created = await fresh.create('Case', { Subject: 'Relabelled', Status: 'Escalated' }, opts);
      expect(created.fields.Status).toBe('Escalated');
      expect(created.display!.Status).toBe('Escalated to Tier 2');
      expect(created.canonical.status).toBe('Escalated to Tier 2');
      const priority = (await fresh.describe('Case', opts)).fields.Status!.choices!.find((c) => c.value === 'Escalated');
      expect(priority).toEqual({ value: 'Escalated', label: 'Escalated to Tier 2' });
    } finally {
      await other.stop();
    }
  });

  it('d. dates a Task by the call, not by the day it is written, and lists activities newest call first', async () => {
    const log = (key: string, at: string, description: string) =>
      crm.logActivity({ key: `${key}-${m}`, regarding: { type: 'Contact', id: maria.id }, subject: 'Inbound call', description, at, fields: {} }, opts);
    const later = await log('later', '2026-03-04T10:20:30.000Z', 'Replacement shipped');
    const earlier = await log('earlier', '2026-02-27T16:05:00.000Z', 'Asked for a refund');
    expect(later.record).toMatchObject({ role: 'activity', typeLabel: 'Task', canonical: { activityDate: '2026-03-04', description: 'Replacement shipped' } });
    expect(server.stored('Task').find((t) => t.Id === later.record.id)!.ActivityDate).toBe('2026-03-04');

    const listed = await crm.listActivities({ type: 'Contact', id: maria.id }, { signal, limit: 10 });
    expect(listed.map((a) => a.id)).toEqual([later.record.id, earlier.record.id]);
    expect(listed[0]).toMatchObject({
      role: 'activity',
      canonical: {
        activityDate: '2026-03-04',
        description: 'Replacement shipped',
        subject: 'Inbound call',
        status: 'Completed',
        person: { ref: { type: 'Contact', id: maria.id }, name: `Maria Garcia${m}` },
        organization: organization(),
      },
    });
    expect(listed[1]!.canonical.activityDate!.slice(0, 10)).toBe('2026-02-27');
  });

  it('e. describes a type with its labels, phone kinds, read-only fields and picklists; 404 for a type Salesforce lacks', async () => {
    const contact = await crm.describe('Contact', opts);
    expect(contact.label).toBe('Contact');
    expect(contact.fields.MobilePhone).toEqual({ label: 'Mobile Phone', kind: 'phone', writable: true });
    expect(contact.fields.Phone).toMatchObject({ label: 'Business Phone', kind: 'phone' });
    expect(contact.fields.AccountId).toMatchObject({ label: 'Account ID', kind: 'reference', writable: true });
    expect(contact.fields.Name).toMatchObject({ label: 'Full Name', writable: false });
    expect(contact.fields.Email!.kind).toBe('email');
    // Ids and bookkeeping are not for agents.
    expect(Object.keys(contact.fields)).not.toContain('SystemModstamp');
    expect(Object.keys(contact.fields)).not.toContain('Id');

    const kase = await crm.describe('Case', opts);
    expect(kase.fields.Priority).toEqual({
      label: 'Priority',
      kind: 'choice',
      writable: true,
      choices: [
        { value: 'High', label: 'High' },
        { value: 'Medium', label: 'Medium' },
        { value: 'Low', label: 'Low' },
      ],
      defaultValue: 'Medium',
    });
    expect(kase.fields.CaseNumber).toMatchObject({ kind: 'text', writable: false });

    const before = server.dataRequests().filter((r) => r.path.endsWith('/Case/describe')).length;
    await crm.describe('Case', opts);
    expect(server.dataRequests().filter((r) => r.path.endsWith('/Case/describe'))).toHaveLength(before);

    const missing = await rejection(crm.describe('NoSuchType', opts));
    expect(missing).toBeInstanceOf(CrmError);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('f. finds a person by last name in any case and with accents typed, a case by its number, and escapes SOSL', async () => {
    const shout = await crm.searchText(`GARCÍA${m.toUpperCase()}`, ['person'], { signal, limit: 10 });
    expect(shout.records.map((r) => r.id)).toEqual([maria.id]);
    const prefix = await crm.searchText(`mar garc`, ['person', 'organization'], { signal, limit: 10 });
    expect(prefix.records.map((r) => r.id)).toContain(maria.id);

    const caseNumber = String(theCase.fields.CaseNumber);
    const byNumber = await crm.searchText(caseNumber, ['case'], { signal, limit: 10 });
    expect(byNumber.records.map((r) => r.id)).toEqual([theCase.id]);
    const short = await crm.searchText(String(Number(caseNumber)), ['case'], { signal, limit: 10 });
    expect(short.records.map((r) => r.id)).toEqual([theCase.id]);

    // Every SOSL reserved character typed stays literal: the search runs and finds nothing.
    const hostile = await crm.searchText(`} RETURNING User(Id) {x* "a -b (c) ~d ^e :f !g &h |i ?j 'k [l] \\m`, ['person', 'lead'], { signal, limit: 10 });
    expect(hostile).toEqual({ records: [], refused: [] });
    expect(await crm.searchText(' a ', ['person'], { signal, limit: 10 })).toEqual({ records: [], refused: [] });
  });

  it('f. names a type the integration user may not read, and keeps what the other types found', async () => {
    const other = await startServer(2);
    try {
      const fresh = connectorFor(other);
      const contact = await fresh.create('Contact', { LastName: `Refused${m}` }, opts);
      await fresh.create('Lead', { LastName: `Refused${m}`, Company: 'Fabrikam' }, opts);
      other.hideObject('Lead');
      const found = await fresh.searchText(`refused${m}`, ['person', 'lead'], { signal, limit: 10 });
      expect(found.records.map((r) => r.id)).toEqual([contact.id]);
      expect(found.refused).toEqual([{ type: 'Lead', reason: expect.stringContaining('Read on Lead') as unknown }]);

      other.hideObject('Case');
      const cases = await fresh.searchText('00001001', ['case', 'person'], { signal, limit: 10 });
      expect(cases.refused.map((r) => r.type)).toEqual(['Case']);
    } finally {
      await other.stop();
    }
  });
});

describe('Salesforce refusing a query the connector built (issue 11, "Also seen")', () => {
  let server: SalesforceWireServer;
  let crm: CrmConnector;

  beforeAll(async () => {
    server = await startServer(2);
    crm = connectorFor(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is a CrmError without field errors (InternalError), not a ValidationError naming Case or Task', async () => {
    const contact = await crm.create('Contact', { LastName: `Built ${uniq()}`, Phone: '(206) 555-0177' }, opts);
    await crm.describe('Case', opts); // cached: the faults below hit the query itself
    // Twice: a refused read is tried once more without the related names before it fails.
    const fault = { status: 400, errorCode: 'MALFORMED_QUERY', message: "unexpected token: 'AND'" };
    server.failNext(fault, fault);
    const error = await rejection(crm.openCases({ type: 'Contact', id: contact.id }, { signal, limit: 5 }));
    expect(error).toBeInstanceOf(CrmError);
    expect(error).toMatchObject({ status: 400, fieldErrors: undefined });
    expect((error as Error).message).toContain('connector built');

    // A timeline key field the org does not have: Salesforce refuses the lookup the connector wrote.
    const misconfigured = connectorFor(server, undefined, silent, { activityKeyField: 'No_Such_Key__c' });
    const lookup = await rejection(
      misconfigured.logActivity({ key: 'k', regarding: { type: 'Contact', id: contact.id }, subject: 's', description: 'd', at: '2026-03-04T10:20:30.000Z', fields: {} }, opts),
    );
    expect(lookup).toMatchObject({ status: 400, fieldErrors: undefined });
    expect((lookup as Error).message).toContain('INVALID_FIELD');

    // Through the engine: the data dip's open-cases query refused is InternalError, which the worker retries.
    const engine = new WorkflowEngine({ configurations: engineConfigurations(server), connectorFor: () => crm, logger: silent, defaultRegion: 'US' });
    await crm.create('Case', { Subject: 'Open', ContactId: contact.id }, opts);
    server.failNext({ status: 400, errorCode: 'INVALID_FIELD', message: "No such column 'IsClosed' on entity 'Case'" });
    const dip = await engine.execute({ configurationId: 'sf-test', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '(206) 555-0177' } }) });
    // The fault hits the first request: the SOSL search, a request the connector built.
    expect(dip).toMatchObject({ branch: 'InternalError' });
  });
});
