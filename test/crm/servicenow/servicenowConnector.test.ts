import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/crm/filter.js';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import { STANDARD_RECORDS, type StandardRecordType } from '../../../src/crm/standardRecords.js';
import { servicenowConnectorSchema } from '../../../src/crm/servicenow/config.js';
import { createServiceNowConnector } from '../../../src/crm/servicenow/index.js';
import { Timeline } from '../../../src/crm/servicenow/timeline.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import type { CrmConfiguration, CrmConfigurations } from '../../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../../src/workflows/engine.js';
import type { WorkflowResult } from '../../../src/workflows/result.js';
import type { SearchResult } from '../../../src/workflows/search.js';
import { describeConnectorContract, seedThroughPort, type ContractNames } from '../connectorContract.js';
import { CLIENT_ID, connectorConfig, deps, NAMES, SECRETS, serverOptions } from './fixtures.js';
import { ServiceNowWireServer } from './wireServer.js';

const signal = new AbortController().signal;
const opts = { signal };

/** A pino logger writing into a string, to prove what the logs never contain. */
function capturedLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => chunks.join('') };
}

const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();
const query = (connector: CrmConnector, table: string, filter: string, limit = 50) => connector.query(table, parseFilter(filter), { signal, limit });
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
async function rejection(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

describeConnectorContract('ServiceNow (local wire server)', async () => {
  const server = await new ServiceNowWireServer(serverOptions()).start();
  const connector = createServiceNowConnector(connectorConfig(server), 'snow-contract', deps());
  return {
    connector,
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    /** The integration user's ACLs lose read of the type's table (ServiceNow answers 403). */
    refuseSearchOf: async (type: keyof NonNullable<ContractNames['types']>) => {
      const table = NAMES.types?.[type] ?? type;
      server.denyRead(table);
      return async () => server.denyRead(table, false);
    },
    dispose: () => server.stop(),
  };
});

describe('ServiceNow connector', () => {
  let server: ServiceNowWireServer;
  let connector: CrmConnector;

  beforeAll(async () => {
    server = await new ServiceNowWireServer(serverOptions()).start();
    connector = createServiceNowConnector(connectorConfig(server), 'snow-test', deps());
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('the configuration schema', () => {
    const valid = {
      type: 'servicenow',
      instanceUrl: 'https://acme.service-now.com',
      auth: { kind: 'oauth-password', clientId: CLIENT_ID, clientSecretEnv: 'SECRET_SN_CLIENT_SECRET', usernameEnv: 'SECRET_SN_USERNAME', passwordEnv: 'SECRET_SN_PASSWORD' },
    };
    const issue = (input: unknown) => {
      const result = servicenowConnectorSchema.safeParse(input);
      expect(result.success).toBe(false);
      return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };

    it('accepts the OAuth example and the basic-auth example, with defaults', () => {
      expect(servicenowConnectorSchema.parse(valid)).toMatchObject({ searchUsers: false, pageSize: 100, retry: { maxAttempts: 4 } });
      const basic = servicenowConnectorSchema.parse({
        ...valid,
        apiVersion: 'v2',
        auth: { kind: 'basic', usernameEnv: 'SECRET_SN_USERNAME', passwordEnv: 'SECRET_SN_PASSWORD' },
      });
      expect(basic.auth.kind).toBe('basic');
    });

    it.each([
      [{ ...valid, instanceUrl: 'http://acme.service-now.com' }, 'instanceUrl: must use https'],
      [{ ...valid, instanceUrl: 'https://acme.service-now.com/now/nav' }, 'instanceUrl: must be the bare instance URL'],
      [{ ...valid, instanceUrl: 'https://admin:pw@acme.service-now.com' }, 'instanceUrl: must not carry credentials'],
      [{ ...valid, auth: { ...valid.auth, clientSecretEnv: 'my client secret' } }, 'auth.clientSecretEnv: must be the NAME of an environment variable'],
      [{ ...valid, auth: { ...valid.auth, passwordEnv: undefined } }, 'auth.passwordEnv: is required'],
      [{ ...valid, auth: { ...valid.auth, kind: 'jwt' } }, 'auth.kind: kind must be "oauth-password"'],
      [{ ...valid, auth: { ...valid.auth, clientSecret: 'inline' } }, "auth: Unrecognized key(s) in object: 'clientSecret'"],
      [{ ...valid, password: 'inline' }, "Unrecognized key(s) in object: 'password'"],
      [{ ...valid, pageSize: 0 }, 'pageSize: must be at least 1'],
      [{ ...valid, apiVersion: 'v3' }, 'apiVersion: must be "v1" or "v2"'],
    ])('rejects %j naming the key', (input, message) => {
      expect(issue(input)).toContain(message);
    });

    it('fails at construction, naming the configuration and the variable, when a secret is missing', () => {
      const missing = { ...deps(), secret: (name: string) => (name === 'SECRET_SN_PASSWORD' ? undefined : SECRETS[name]) };
      expect(() => createServiceNowConnector(connectorConfig(server), 'snow-missing', missing)).toThrow(/snow-missing.*SECRET_SN_PASSWORD/);
    });

    it('calls nothing at construction', () => {
      const before = server.requests.length + server.tokenRequests.length;
      createServiceNowConnector(connectorConfig(server), 'snow-idle', deps());
      expect(server.requests.length + server.tokenRequests.length).toBe(before);
    });
  });

  describe('no query injection', () => {
    const m = `inj${Date.now().toString(36)}`;
    const literals = [`${m} a=b`, `${m} O'Brien "Bob" \\ LIKE x`, `${m} 100% off`, `${m} a_b`, `${m} *star*`, `${m} ORnot`, `${m} x!=y ISEMPTY`];
    const decoys = [`${m} a=bc`, `${m} 1000 off`, `${m} aXb`, `${m} xstarx`, `${m} O'Brien "Bob" \\\\ LIKE x`, `${m} x`];
    const created = new Map<string, CrmRecord>();

    beforeAll(async () => {
      for (const lastName of [...literals, ...decoys]) created.set(lastName, await connector.create('customer_contact', { last_name: lastName }, opts));
    });

    it.each(literals)('equality on %j finds exactly that record', async (literal) => {
      expect(ids(await query(connector, 'customer_contact', `last_name = ${quote(literal)}`))).toEqual([created.get(literal)!.id]);
    });

    it('contains / startswith treat %, _ and * literally, whatever the server does with LIKE', async () => {
      const name = (records: CrmRecord[]) => records.map((r) => r.fields.last_name).sort();
      expect(name(await query(connector, 'customer_contact', `last_name contains "100%"`))).toEqual([`${m} 100% off`]);
      expect(name(await query(connector, 'customer_contact', `last_name startswith ${quote(`${m} a_`)}`))).toEqual([`${m} a_b`]);
      expect(name(await query(connector, 'customer_contact', `last_name contains "*star*" and last_name startswith ${quote(m)}`))).toEqual([`${m} *star*`]);
      expect(await query(connector, 'customer_contact', `last_name contains ${quote(`${m} %`)}`)).toEqual([]);
      expect(await query(connector, 'customer_contact', `last_name contains ${quote(`${m} _`)}`)).toEqual([]);
    });

    it('refuses a "^" in a value with 400 naming it, and sends nothing', async () => {
      const before = server.requests.length;
      for (const value of [`${m}^NQsys_idISNOTEMPTY`, `x^ORlast_nameISNOTEMPTY`, 'a^b']) {
        const error = await rejection(query(connector, 'customer_contact', `last_name = ${quote(value)}`));
        expect(error.status).toBe(400);
        expect(error.fieldErrors?.filter).toContain('"^"');
      }
      expect(server.requests.length).toBe(before);
    });

    it('refuses a "javascript:" value, which ServiceNow would run, and runs nothing', async () => {
      const error = await rejection(query(connector, 'customer_contact', `sys_id = "javascript:gs.getUserID()"`));
      expect(error).toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining('javascript:') } });
      await rejection(query(connector, 'customer_contact', `last_name contains " JavaScript :new GlideRecord('sys_user').deleteMultiple()"`));
      expect(server.scriptsRun).toEqual([]);
    });

    it('refuses field names that could smuggle an operator, and fields the table does not have', async () => {
      const smuggled = await rejection(query(connector, 'customer_contact', `last_nameISNOTEMPTY = "x"`));
      expect(smuggled.fieldErrors?.filter).toContain('last_nameISNOTEMPTY');
      // ServiceNow would drop this condition and answer every contact; the connector refuses instead.
      const unknown = await rejection(query(connector, 'customer_contact', `no_such_field = "x" or last_name = ${quote(literals[0]!)}`));
      expect(unknown).toMatchObject({ status: 400, fieldErrors: { filter: 'ServiceNow table "customer_contact" has no field "no_such_field"' } });
    });

    it('ANIs: only digits of a valid E.164 number reach the query; anything else finds nobody, without error', async () => {
      const digits = '4255550177';
      const wanted = await connector.create('customer_contact', { last_name: `${m} ani`, mobile_phone: '(425) 555-0177' }, opts);
      await connector.create('customer_contact', { last_name: `${m} ani decoy`, mobile_phone: '(425) 555-0178' }, opts);
      await connector.create('customer_account', { name: `${m} ani decoy 2`, phone: '+1 206 555 0177' }, opts);
      expect(ids(await connector.findByPhone(`+1${digits}`, opts))).toEqual([wanted.id]);
      const before = server.requests.length;
      for (const ani of [`+1${digits}^NQsys_idISNOTEMPTY`, `+1${digits}%`, `+1425555____`, `' OR 1=1 --`, `+1${digits} javascript:x`]) {
        expect(await connector.findByPhone(ani, opts)).toEqual([]);
      }
      expect(server.requests.length).toBe(before);
    });

    it('emails are compared exactly, wildcards included; a "^" is refused', async () => {
      const wanted = await connector.create('customer_contact', { last_name: `${m} mail`, email: `a%b_${m}@example.com` }, opts);
      await connector.create('customer_contact', { last_name: `${m} mail decoy`, email: `axbx${m}@example.com` }, opts);
      expect(ids(await connector.findByEmail(`A%B_${m}@Example.com`, opts))).toEqual([wanted.id]);
      const error = await rejection(connector.findByEmail(`a^NQemailISNOTEMPTY@example.com`, opts));
      expect(error.fieldErrors?.email).toContain('"^"');
    });

    it('ids and table names never reach a query unchecked', async () => {
      const before = server.requests.length;
      expect(await connector.get({ type: 'customer_contact', id: 'x^NQsys_idISNOTEMPTY' }, opts)).toBeNull();
      expect(await connector.listActivities({ type: 'customer_contact', id: '../sys_user' }, { signal, limit: 5 })).toEqual([]);
      expect(await connector.openCases({ type: 'customer_contact', id: 'a^ORactive=true' }, { signal, limit: 5 })).toEqual([]);
      expect(server.requests.length).toBe(before);
      const table = await rejection(connector.query('sys_user/../incident', null, { signal, limit: 1 }));
      expect(table.fieldErrors?.entity).toContain('not a ServiceNow table name');
    });
  });

  describe('Custom Search translation', () => {
    const m = `cs${Date.now().toString(36)}`;
    let maria: CrmRecord;
    let chris: CrmRecord;
    const cases: Record<string, CrmRecord> = {};

    beforeAll(async () => {
      maria = await connector.create('customer_contact', { last_name: `Maria ${m}` }, opts);
      chris = await connector.create('customer_contact', { last_name: `Chris ${m}` }, opts);
      const seed = async (key: string, fields: Record<string, string>) => {
        cases[key] = await connector.create('sn_customerservice_case', { short_description: `${key} ${m}`, ...fields }, opts);
      };
      await seed('m-high', { contact: maria.id, priority: '1' });
      await seed('m-low', { contact: maria.id, priority: '4' });
      await seed('c-high', { contact: chris.id, priority: '1', state: '3' });
      await seed('c-low', { contact: chris.id, priority: '4' });
    });

    const keys = async (filter: string) =>
      (await query(connector, 'sn_customerservice_case', `short_description contains ${quote(m)} and (${filter})`)).map((r) => String(r.fields.short_description).split(' ')[0]).sort();

    it('or of single conditions is one ^OR clause; and binds around it', async () => {
      expect(await keys(`contact = ${quote(maria.id)} or contact = ${quote(chris.id)}`)).toEqual(['c-high', 'c-low', 'm-high', 'm-low']);
      const last = server.requests.at(-1)!.query!;
      expect(last).toContain(`contact=${maria.id}^ORcontact=${chris.id}`);
      expect(last).not.toContain('^NQ');
    });

    it('(a and b) or (c and d) becomes ^NQ groups with the same meaning', async () => {
      expect(await keys(`(contact = ${quote(maria.id)} and priority = 1) or (contact = ${quote(chris.id)} and priority = 4)`)).toEqual(['c-low', 'm-high']);
      expect(server.requests.at(-1)!.query).toContain('^NQ');
    });

    it('numbers, null and comparisons', async () => {
      expect(await keys('priority <= 2')).toEqual(['c-high', 'm-high']);
      expect(await keys('priority > 2 and state != 3')).toEqual(['c-low', 'm-low']);
      expect(await keys('close_notes = null and priority = 4')).toEqual(['c-low', 'm-low']);
      expect(await keys('priority != null and id = ' + quote(cases['m-low']!.id))).toEqual(['m-low']);
    });

    it('refuses what cannot be asked, naming the filter', async () => {
      for (const filter of ['priority > null', 'active < true', `short_description contains ""`]) {
        const error = await rejection(query(connector, 'sn_customerservice_case', filter));
        expect(error).toMatchObject({ status: 400, fieldErrors: { filter: expect.any(String) } });
      }
      // Each factor is two groups; five of them AND'ed make 32 "^NQ" groups.
      const many = Array.from({ length: 5 }, (_, i) => `(priority = ${i} and state = ${i} or active = false)`).join(' and ');
      const error = await rejection(query(connector, 'sn_customerservice_case', many));
      expect(error.fieldErrors?.filter).toContain('simplify the parentheses');
    });

    it('follows the Link header across pages (page size 2)', async () => {
      const before = server.requests.length;
      expect(await keys('priority >= 1')).toHaveLength(4);
      const pages = server.requests.slice(before).filter((r) => r.path.endsWith('/sn_customerservice_case'));
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.some((r) => Number(r.params.sysparm_offset) > 0)).toBe(true);
    });
  });

  describe('open cases', () => {
    it("a contact's active cases and the incidents they called in, newest first; none of others", async () => {
      // ServiceNow stamps records to the second: a clock that ticks a second per call makes "newest" observable.
      let tick = Date.parse('2026-03-14T09:00:00Z');
      const own = await new ServiceNowWireServer(serverOptions({ clock: () => new Date((tick += 1000)) })).start();
      try {
        const sn = createServiceNowConnector(connectorConfig(own), 'snow-cases', deps());
        const contact = await sn.create('customer_contact', { last_name: 'Open cases' }, opts);
        const first = await sn.create('sn_customerservice_case', { short_description: 'first', contact: contact.id }, opts);
        await sn.create('sn_customerservice_case', { short_description: 'closed', contact: contact.id, state: '3' }, opts);
        const incident = await sn.create('incident', { short_description: 'incident', caller_id: contact.id }, opts);
        const last = await sn.create('sn_customerservice_case', { short_description: 'last', contact: contact.id, state: '10' }, opts);
        await sn.create('sn_customerservice_case', { short_description: 'someone else' }, opts);

        const open = await sn.openCases({ type: contact.type, id: contact.id }, { signal, limit: 10 });
        expect(open.map((r) => r.id)).toEqual([last.id, incident.id, first.id]);
        expect(open.map((r) => r.type)).toEqual(['sn_customerservice_case', 'incident', 'sn_customerservice_case']);
        expect((await sn.openCases({ type: contact.type, id: contact.id }, { signal, limit: 1 })).map((r) => r.id)).toEqual([last.id]);
        expect(await sn.openCases({ type: 'sn_customerservice_case', id: first.id }, { signal, limit: 10 })).toEqual([]);
      } finally {
        await own.stop();
      }
    });
  });

  describe('standard creates of the ServiceNow catalogue', () => {
    const samples: Record<string, Record<string, string>> = {
      case: { subject: 'Damaged shipment', description: 'Box crushed', priority: '2', status: '10' },
      consumer: { firstName: 'Sam', lastName: 'Collins', phone: '(206) 555-0170', mobilePhone: '206.555.0171', email: 'sam.collins@example.com' },
      contact: { firstName: 'Maria', lastName: 'Garcia', phone: '206-555-0172', mobilePhone: '+1 206 555 0173', email: 'maria@example.com', title: 'Buyer' },
      incident: { subject: 'VPN down', description: 'Cannot connect', priority: '3' },
      interaction: { subject: 'Inbound call', description: 'Asked about the invoice' },
      user: { firstName: 'Alex', lastName: 'Agent', email: 'alex@example.com', phone: '206-555-0174' },
      account: { name: 'Contoso Pharmaceuticals', phone: '(206) 555-0100', website: 'https://contoso.example', city: 'Seattle' },
    };

    it('maps every catalogue type (Case, Consumer, Contact, Incident, Interaction, User) and Account, and no lead or opportunity', () => {
      expect(Object.keys(connector.standardTypes).sort()).toEqual(Object.keys(samples).sort());
      for (const [type, native] of Object.entries(connector.standardTypes)) {
        for (const field of Object.keys(native!.fields)) expect(STANDARD_RECORDS[type as StandardRecordType].fields).toContain(field);
      }
      expect(connector.standardTypes.lead).toBeUndefined();
      expect(connector.standardTypes.opportunity).toBeUndefined();
      expect(connector.unsupported).toEqual({});
    });

    it.each(Object.keys(samples))('creates a %s with its standard fields in ServiceNow columns', async (type) => {
      const native = connector.standardTypes[type as StandardRecordType]!;
      const fields = Object.fromEntries(Object.entries(samples[type]!).map(([f, v]) => [native.fields[f]!, v]));
      const record = await connector.create(native.type, fields, opts);
      expect(record.type).toBe(native.type);
      expect(record.id).toMatch(/^[0-9a-f]{32}$/);
      const stored = server.table(native.type).find((row) => row.sys_id === record.id)!;
      for (const [column, value] of Object.entries(fields)) {
        if (column === 'work_notes') {
          expect(server.table('sys_journal_field').some((e) => e.element_id === record.id && e.value === value)).toBe(true);
        } else {
          expect(stored[column]).toBe(value);
        }
      }
      expect(record.name).not.toBe(record.id);
    });
  });

  describe('update', () => {
    it('refuses a column the table does not have, naming it, and writes nothing', async () => {
      const contact = await connector.create('customer_contact', { last_name: 'Update check', title: 'Before' }, opts);
      const error = await rejection(connector.update({ type: contact.type, id: contact.id }, { title: 'After', u_no_such: 'x' }, opts));
      expect(error).toMatchObject({ status: 400, fieldErrors: { u_no_such: 'ServiceNow table "customer_contact" has no field "u_no_such"' } });
      expect((await connector.get({ type: contact.type, id: contact.id }, opts))!.fields.title).toBe('Before');
    });
  });

  describe('field errors', () => {
    it("a data policy's mandatory fields → CrmError 400 naming the column, with ServiceNow's message", async () => {
      const error = await rejection(connector.create('incident', { description: 'no subject' }, opts));
      expect(error.status).toBe(400);
      expect(error.fieldErrors?.short_description).toMatch(/mandatory.*Data Policy Exception/);
    });

    it('a 400 whose message names a written field → CrmError 400 naming it', async () => {
      server.nextWriteFailures.push({ status: 400, body: { error: { message: 'Invalid value', detail: 'Field priority: "urgent" is not a valid choice' }, status: 'failure' } });
      const error = await rejection(connector.create('sn_customerservice_case', { short_description: 'x', priority: 'urgent' }, opts));
      expect(error).toMatchObject({ status: 400, fieldErrors: { priority: expect.stringContaining('not a valid choice') } });
    });

    it('a table ServiceNow does not have → CrmError 400 naming the entity', async () => {
      const error = await rejection(connector.create('u_no_such_table', { name: 'x' }, opts));
      expect(error).toMatchObject({ status: 400, fieldErrors: { entity: 'ServiceNow has no table "u_no_such_table"' } });
    });

    it('a column name ServiceNow cannot have → CrmError 400 naming it, before any call', async () => {
      const error = await rejection(connector.create('customer_contact', { LastName: 'x' }, opts));
      expect(error.fieldErrors?.LastName).toContain('lower-case');
    });
  });

  describe('timeline', () => {
    const activity = (type: string, id: string, key: string) => ({
      key,
      regarding: { type, id },
      subject: `Inbound call ${key}`,
      description: `Interaction ${key}\nDisposition: Solved`,
      at: '2026-03-04T10:20:30.000Z',
      fields: { interactionId: key, phoneNumber: '+12065550142', durationSeconds: 245, disposition: 'Solved', notes: null },
    });

    it('on a case: one work note per key, found again in the journal by its marker', async () => {
      const k = `case-${Date.now()}`;
      const kase = await connector.create('sn_customerservice_case', { short_description: 'Timeline case' }, opts);
      const first = await connector.logActivity(activity(kase.type, kase.id, k), opts);
      const second = await connector.logActivity(activity(kase.type, kase.id, k), opts);
      expect(first.created).toBe(true);
      expect(second).toMatchObject({ created: false, record: { id: first.record.id, type: 'sys_journal_field' } });
      expect(first.record.fields).toMatchObject({ element: 'work_notes', element_id: kase.id, name: 'sn_customerservice_case' });
      expect(String(first.record.fields.value)).toContain(`[${Timeline.marker(k)} 2026-03-04T10:20:30.000Z]`);
      expect(String(first.record.fields.value)).toContain('durationSeconds: 245');
      const notes = server.table('sys_journal_field').filter((e) => e.element_id === kase.id);
      expect(notes).toHaveLength(1);
      expect((await connector.listActivities({ type: kase.type, id: kase.id }, { signal, limit: 5 })).map((r) => r.id)).toEqual([first.record.id]);
    });

    it('on a contact: a closed interaction linked to the contact; 10 racing retries write one', async () => {
      const k = `contact-${Date.now()}`;
      const contact = await connector.create('customer_contact', { last_name: 'Timeline contact' }, opts);
      const results = await Promise.all(Array.from({ length: 10 }, () => connector.logActivity(activity(contact.type, contact.id, k), opts)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results[0]!.record).toMatchObject({ type: 'interaction', fields: { contact: contact.id, state: 'closed_complete', active: 'false' } });
      expect(server.table('interaction').filter((row) => row.contact === contact.id)).toHaveLength(1);
    });

    it('a missing record is a 404', async () => {
      const missing = await rejection(connector.logActivity(activity('sn_customerservice_case', '0'.repeat(32), 'missing'), opts));
      expect(missing.status).toBe(404);
      const missingContact = await rejection(connector.logActivity(activity('customer_contact', 'f'.repeat(32), 'missing'), opts));
      expect(missingContact.status).toBe(404);
    });
  });

  describe('authentication', () => {
    it('basic auth: every call carries the integration user; no token endpoint', async () => {
      const basic = createServiceNowConnector(connectorConfig(server, { auth: { kind: 'basic', usernameEnv: 'SECRET_SN_USERNAME', passwordEnv: 'SECRET_SN_PASSWORD' } }), 'snow-basic', deps());
      const tokensBefore = server.tokenRequests.length;
      const before = server.requests.length;
      const created = await basic.create('customer_account', { name: 'Basic account' }, opts);
      expect((await basic.get({ type: created.type, id: created.id }, opts))?.name).toBe('Basic account');
      expect(server.requests.slice(before).every((r) => r.auth === 'basic')).toBe(true);
      expect(server.tokenRequests.length).toBe(tokensBefore);
    });

    it('an expired access token: one refresh-token grant, the call retried once and succeeding', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      try {
        const sn = createServiceNowConnector(connectorConfig(own), 'snow-refresh', deps());
        await sn.create('customer_account', { name: 'Before expiry' }, opts);
        expect(own.tokenRequests.map((t) => t.grantType)).toEqual(['password']);
        own.expireAccessTokens();
        const record = await sn.create('customer_account', { name: 'After expiry' }, opts);
        expect(record.name).toBe('After expiry');
        expect(own.tokenRequests.map((t) => t.grantType)).toEqual(['password', 'refresh_token']);
        expect(own.requests.filter((r) => r.status === 401)).toHaveLength(1);
        expect(own.table('customer_account')).toHaveLength(2);
      } finally {
        await own.stop();
      }
    });

    it('a refused refresh token: signs in again with the password grant, once', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      try {
        const sn = createServiceNowConnector(connectorConfig(own), 'snow-relogin', deps());
        await sn.query('customer_account', null, { signal, limit: 1 });
        own.changePassword(SECRETS.SECRET_SN_PASSWORD!); // same password; every token revoked
        await sn.query('customer_account', null, { signal, limit: 1 });
        expect(own.tokenRequests).toEqual([
          { grantType: 'password', status: 200 },
          { grantType: 'refresh_token', status: 401 },
          { grantType: 'password', status: 200 },
        ]);
      } finally {
        await own.stop();
      }
    });

    it('renews before expires_in runs out, without a refused call', async () => {
      let now = Date.now();
      const own = await new ServiceNowWireServer(serverOptions({ accessTokenSeconds: 60, clock: () => new Date(now) })).start();
      try {
        const sn = createServiceNowConnector(
          connectorConfig(own),
          'snow-expiry',
          deps(undefined, () => new Date(now)),
        );
        await sn.query('customer_account', null, { signal, limit: 1 });
        now += 61_000;
        await sn.query('customer_account', null, { signal, limit: 1 });
        expect(own.tokenRequests.map((t) => t.grantType)).toEqual(['password', 'refresh_token']);
        expect(own.requests.filter((r) => r.status === 401)).toHaveLength(0);
      } finally {
        await own.stop();
      }
    });

    it('credentials refused → CrmError 401 naming the configuration, never the secret; the engine says so', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      const { logger, text } = capturedLogger();
      try {
        const sn = createServiceNowConnector(connectorConfig(own), 'snow-refused', deps(logger));
        await sn.query('customer_account', null, { signal, limit: 1 });
        own.changePassword('rotated-by-an-admin');
        const error = await rejection(sn.query('customer_account', null, { signal, limit: 1 }));
        expect(error.status).toBe(401);
        expect(error.message).toContain('snow-refused');
        const basic = createServiceNowConnector(
          connectorConfig(own, { auth: { kind: 'basic', usernameEnv: 'SECRET_SN_USERNAME', passwordEnv: 'SECRET_SN_PASSWORD' } }),
          'snow-refused-basic',
          deps(logger),
        );
        const basicError = await rejection(basic.get({ type: 'customer_account', id: 'a'.repeat(32) }, opts));
        expect(basicError.status).toBe(401);
        for (const message of [error.message, basicError.message, JSON.stringify(error), JSON.stringify(basicError)]) {
          for (const secret of [SECRETS.SECRET_SN_PASSWORD!, SECRETS.SECRET_SN_CLIENT_SECRET!, ...own.issuedTokens]) expect(message).not.toContain(secret);
        }

        const engine = engineOver(sn, 'snow-refused');
        const result = await engine.execute({ configurationId: 'snow-refused', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550142' } }) });
        expect(result).toMatchObject({ outcome: 'InternalError', errorArgs: { message: expect.stringContaining('refused the credentials') } });
        expect(text()).not.toContain(SECRETS.SECRET_SN_PASSWORD);
      } finally {
        await own.stop();
      }
    });
  });

  describe('configuration variants', () => {
    it('searchUsers: internal users are found by phone and email too, contacts (which extend sys_user) only once', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      try {
        const sn = createServiceNowConnector(connectorConfig(own, { searchUsers: true, apiVersion: 'v2' }), 'snow-users', deps());
        const user = await sn.create('sys_user', { first_name: 'Ivy', last_name: 'Internal', phone: '360-555-0111', email: 'ivy@example.com' }, opts);
        const contact = await sn.create('customer_contact', { last_name: 'External', mobile_phone: '+1 360 555 0111', email: 'IVY@example.com' }, opts);
        const found = await sn.findByPhone('+13605550111', opts);
        expect(found.map((r) => `${r.type}:${r.id}`).sort()).toEqual([`customer_contact:${contact.id}`, `sys_user:${user.id}`].sort());
        expect(ids(await sn.findByEmail('ivy@example.com', opts))).toEqual(ids([user, contact]));
        expect(own.requests.every((r) => r.path.startsWith('/api/now/v2/table/'))).toBe(true);
        const plain = createServiceNowConnector(connectorConfig(own), 'snow-no-users', deps());
        expect(ids(await plain.findByPhone('+13605550111', opts))).toEqual([contact.id]);
      } finally {
        await own.stop();
      }
    });

    it('Table API v1 answers an empty query with 404: read as no records', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      try {
        const sn = createServiceNowConnector(connectorConfig(own, { apiVersion: 'v1' }), 'snow-v1', deps());
        expect(await sn.findByPhone('+12065550100', opts)).toEqual([]);
        expect(await query(sn, 'customer_account', 'name = "nobody"')).toEqual([]);
        expect(own.requests.some((r) => r.status === 404)).toBe(true);
        const account = await sn.create('customer_account', { name: 'Somebody', phone: '206 555 0100' }, opts);
        expect(ids(await sn.findByPhone('+12065550100', opts))).toEqual([account.id]);
      } finally {
        await own.stop();
      }
    });

    it('an ACL refusal is a 403 naming the configuration; ignored create fields are logged by name', async () => {
      const { logger, text } = capturedLogger();
      const sn = createServiceNowConnector(connectorConfig(server), 'snow-acl', deps(logger));
      server.nextWriteFailures.push({ status: 403, body: { error: { message: 'Operation Failed', detail: 'ACL Exception Insert Failed due to security constraints' }, status: 'failure' } });
      const error = await rejection(sn.create('customer_account', { name: 'Forbidden' }, opts));
      expect(error.status).toBe(403);
      expect(error.message).toContain('snow-acl');
      expect(error.fieldErrors).toBeUndefined();
      const created = await sn.create('customer_account', { name: 'Typo', u_industy: 'Pharma' }, opts);
      expect(created.fields.u_industy).toBeUndefined();
      expect(text()).toContain('u_industy');
      expect(text()).not.toContain('Pharma');
    });
  });

  describe('logs', () => {
    it('never hold a secret or a token, through sign-in, refresh, throttling and refusal', async () => {
      const own = await new ServiceNowWireServer(serverOptions()).start();
      const { logger, text } = capturedLogger();
      try {
        const sn = createServiceNowConnector(connectorConfig(own), 'snow-logs', deps(logger));
        await sn.create('customer_contact', { last_name: 'Logged' }, opts);
        own.expireAccessTokens();
        own.throttleNext(1, 429, '0');
        await sn.findByPhone('+12065550142', opts);
        own.changePassword('changed');
        await rejection(sn.findByEmail('someone@example.com', opts));
        const logged = text();
        expect(logged).toContain('snow-logs');
        expect(logged).toContain('ServiceNow asked to slow down');
        expect(own.issuedTokens.length).toBeGreaterThanOrEqual(2);
        for (const secret of [SECRETS.SECRET_SN_PASSWORD!, SECRETS.SECRET_SN_CLIENT_SECRET!, ...own.issuedTokens]) expect(logged).not.toContain(secret);
      } finally {
        await own.stop();
      }
    });
  });

  describe('through the workflow engine', () => {
    it('Search for ANI, Custom Search, standard create, update, timeline twice, memorialization', async () => {
      const engine = engineOver(connector, 'snow');
      const run = <T>(workflowId: string, workflowInput: unknown) => engine.execute({ configurationId: 'snow', workflowId, payload: JSON.stringify({ workflowInput }) }) as Promise<WorkflowResult<T>>;
      const success = <T>(result: WorkflowResult<T>): T => {
        expect(result.errorArgs, JSON.stringify(result.errorArgs)).toBeUndefined();
        expect(result.branch).toBe('Success');
        return result.resultSet!;
      };

      const contact = success(await run<{ record: CrmRecord }>('create-contact', { firstName: 'Dana', lastName: 'Engine', mobilePhone: '(509) 555-0160' })).record;
      expect(contact).toMatchObject({ type: 'customer_contact', fields: { first_name: 'Dana', mobile_phone: '(509) 555-0160' } });
      const kase = success(await run<{ record: CrmRecord }>('create-case', { subject: 'Engine case', contactId: contact.id, priority: '2' })).record;
      expect(kase.fields).toMatchObject({ short_description: 'Engine case', contact: contact.id, priority: '2', active: 'true' });

      const ani = success(await run<SearchResult>('search-ani', { phoneNumber: '+1 509 555 0160' }));
      expect(ids(ani.records)).toEqual([contact.id]);
      expect(ids(ani.related)).toEqual([kase.id]);

      const custom = success(
        await run<SearchResult>('custom-search', { search: { entity: 'sn_customerservice_case', filter: `contact = "${contact.id}" and short_description startswith "engine"` } }),
      );
      expect(ids(custom.records)).toEqual([kase.id]);
      const refused = await run('custom-search', { search: { entity: 'sn_customerservice_case', filter: 'short_description = "a^NQactive=true"' } });
      expect(refused).toMatchObject({ outcome: 'ValidationError', errorArgs: { field: 'filter', message: expect.stringContaining('"^"') } });

      const lead = await run('create-lead', { lastName: 'Nope', company: 'Nope Inc' });
      expect(lead).toMatchObject({ outcome: 'InvalidWorkflow', errorArgs: { message: expect.stringContaining('no standard "lead" record') } });
      const noSubject = await run('create-incident', { subject: '   ' });
      expect(noSubject.outcome).toBe('ValidationError');

      const updated = success(await run<{ record: CrmRecord }>('update-record', { entity: 'customer_contact', id: contact.id, fields: { title: 'Buyer' } })).record;
      expect(updated.fields.title).toBe('Buyer');
      const badField = await run('update-record', { entity: 'customer_contact', id: contact.id, fields: { u_nope: 'x' } });
      expect(badField).toMatchObject({ outcome: 'ValidationError', errorArgs: { field: 'u_nope' } });

      const acw = {
        regarding: { entity: 'customer_contact', id: contact.id },
        interaction: {
          id: `int-${Date.now()}`,
          ani: '+15095550160',
          channel: 'voice',
          startedAt: '2026-03-14T09:00:00.000Z',
          endedAt: '2026-03-14T09:04:05.000Z',
          durationSeconds: 245,
          disposition: 'Replacement sent',
          notes: 'Customer confirmed the address.',
        },
        agent: { id: 'agent-1', name: 'Alex Agent' },
      };
      const first = success(await run<{ activity: CrmRecord; created: boolean }>('timeline', acw));
      const second = success(await run<{ activity: CrmRecord; created: boolean }>('timeline', acw));
      expect(first.created).toBe(true);
      expect(second).toMatchObject({ created: false, activity: { id: first.activity.id } });
      expect(await connector.listActivities({ type: 'customer_contact', id: contact.id }, { signal, limit: 10 })).toHaveLength(1);
      const note = server.table('sys_journal_field').find((e) => e.element_id === first.activity.id)!.value!;
      for (const part of [acw.interaction.id, '+1 509 555 0160', '4 min 5 s', 'Replacement sent', 'Alex Agent']) expect(note).toContain(part);

      const memo = success(await run<{ record: CrmRecord }>('memorialize', acw));
      expect(memo.record.fields).toMatchObject({ u_last_agent: 'Alex Agent', u_last_disposition: 'Replacement sent', u_last_contact_at: '2026-03-14T09:04:05.000Z' });
      const missing = await run('memorialize', { ...acw, regarding: { entity: 'customer_contact', id: 'b'.repeat(32) } });
      expect(missing).toMatchObject({ outcome: 'ValidationError', errorArgs: { field: 'workflowInput.regarding.id' } });
    });
  });
});

function engineOver(connector: CrmConnector, configurationId: string): WorkflowEngine {
  const workflow = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({ id, name: id, enabled: true, kind, ...extra });
  const configuration = {
    id: configurationId,
    name: 'ServiceNow CSM',
    connector: { type: 'servicenow', instanceUrl: 'https://acme.service-now.com' },
    workflows: [
      workflow('search-ani', 'search', { variant: 'ani' }),
      workflow('custom-search', 'search', { variant: 'custom' }),
      workflow('create-contact', 'create', { variant: 'standard', recordType: 'contact' }),
      workflow('create-case', 'create', { variant: 'standard', recordType: 'case' }),
      workflow('create-incident', 'create', { variant: 'standard', recordType: 'incident' }),
      workflow('create-lead', 'create', { variant: 'standard', recordType: 'lead' }),
      workflow('create-custom-record', 'create', { variant: 'custom' }),
      workflow('update-record', 'update'),
      workflow('timeline', 'timeline', { subject: 'Inbound call' }),
      workflow('memorialize', 'memorialization'),
    ],
    memorializationMappings: [
      { source: 'agent.name', target: 'u_last_agent', recordTypes: ['customer_contact'] },
      { source: 'interaction.disposition', target: 'u_last_disposition', recordTypes: ['customer_contact'] },
      { source: 'interaction.endedAt', target: 'u_last_contact_at', recordTypes: ['customer_contact'] },
    ],
    dynamicDataMappings: {},
  } as unknown as CrmConfiguration;
  const configurations: CrmConfigurations = { integrationsEnabled: true, configurations: [configuration] };
  return new WorkflowEngine({ configurations, connectorFor: () => connector, logger: pino({ level: 'silent' }), defaultRegion: 'US' });
}
