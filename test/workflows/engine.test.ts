import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { CrmError, type CrmConnector, type RecordTypeDescription, type TextSearchResult } from '../../src/crm/port.js';
import type { CrmRecord, FieldValue } from '../../src/domain/crmRecord.js';
import { loadCrmConfigurations, parseCrmConfigurations, type CrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine, type ExecuteRequest } from '../../src/workflows/engine.js';
import type { Outcome, WorkflowResult } from '../../src/workflows/result.js';
import type { SearchResult } from '../../src/workflows/search.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const CONFIG_PATH = fileURLToPath(new URL('../../config/crm-configurations.json', import.meta.url));
const NOW = new Date('2026-03-14T09:30:00.000Z');
const signal = new AbortController().signal;

/** The shipped configurations file, changed by `edit`, parsed as the product parses it. */
function shippedWith(edit: (json: { integrationsEnabled?: boolean; configurations: Array<Record<string, unknown>> }) => void): CrmConfigurations {
  const json = JSON.parse(readFileSync(CONFIG_PATH, 'utf8')) as Parameters<typeof edit>[0];
  edit(json);
  return parseCrmConfigurations(JSON.stringify(json), 'test configurations');
}

function engineOver(connector: CrmConnector, configurations: CrmConfigurations = loadCrmConfigurations(CONFIG_PATH)): WorkflowEngine {
  return new WorkflowEngine({
    configurations,
    connectorFor: () => connector,
    logger: pino({ level: 'silent' }),
    defaultRegion: 'US',
    clock: () => NOW,
  });
}

/** A CRM that never answers: every call waits until its signal aborts, then rejects with the abort reason. */
class StalledCrm implements CrmConnector {
  readonly signals: AbortSignal[] = [];
  readonly standardTypes = {};
  readonly unsupported = {};
  private stall<T>(signal: AbortSignal): Promise<T> {
    this.signals.push(signal);
    return new Promise<T>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  }
  findByPhone = (_: string, o: { signal: AbortSignal }) => this.stall<CrmRecord[]>(o.signal);
  findByEmail = (_: string, o: { signal: AbortSignal }) => this.stall<CrmRecord[]>(o.signal);
  openCases = (_: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord[]>(o.signal);
  query = (_: string, __: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord[]>(o.signal);
  get = (_: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord | null>(o.signal);
  create = (_: string, __: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord>(o.signal);
  update = (_: unknown, __: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord>(o.signal);
  logActivity = (_: unknown, o: { signal: AbortSignal }) => this.stall<{ record: CrmRecord; created: boolean }>(o.signal);
  listActivities = (_: unknown, o: { signal: AbortSignal }) => this.stall<CrmRecord[]>(o.signal);
  searchText = (_: string, __: unknown, o: { signal: AbortSignal }) => this.stall<TextSearchResult>(o.signal);
  describe = (_: string, o: { signal: AbortSignal }) => this.stall<RecordTypeDescription>(o.signal);
}

/** A CRM whose every call fails with the given error. */
function failingCrm(error: unknown): CrmConnector {
  const fail = () => Promise.reject(error);
  const contact = { type: 'contact', fields: { firstName: 'firstName', lastName: 'lastName', email: 'email' } };
  return {
    standardTypes: { contact },
    unsupported: {},
    findByPhone: fail,
    findByEmail: fail,
    openCases: fail,
    query: fail,
    get: fail,
    create: fail,
    update: fail,
    logActivity: fail,
    listActivities: fail,
    searchText: fail,
    describe: fail,
  };
}

const payload = (workflowInput: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ workflowInput, ...extra });

describe.each(STORE_BACKENDS)('WorkflowEngine over the embedded CRM on $name', (backend) => {
  let store: TestStore;
  let crm: EmbeddedConnector;
  let engine: WorkflowEngine;

  beforeAll(async () => {
    store = await backend.open();
    await seedDemoData(store.db, NOW);
    crm = new EmbeddedConnector(store.db);
    engine = engineOver(crm);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  const execute = <T = unknown>(request: Partial<ExecuteRequest>, on: WorkflowEngine = engine): Promise<WorkflowResult<T>> =>
    on.execute({ configurationId: 'demo', workflowId: 'search-ani', payload: payload({ phoneNumber: '+12065550142' }), ...request }) as Promise<WorkflowResult<T>>;
  const run = <T = unknown>(workflowId: string, workflowInput: unknown, on: WorkflowEngine = engine) => execute<T>({ workflowId, payload: payload(workflowInput) }, on);
  /** Asserts the outcome and branch, and hands back the result set (Success) for further checks. */
  function expectSuccess<T>(result: WorkflowResult<T>): T {
    expect(result.errorArgs, JSON.stringify(result.errorArgs)).toBeUndefined();
    expect(result).toMatchObject({ branch: 'Success', outcome: 'Success' });
    return result.resultSet as T;
  }
  function expectFailure(result: WorkflowResult, outcome: Exclude<Outcome, 'Success'>) {
    expect(result.resultSet).toBeUndefined();
    expect(result).toMatchObject({ branch: outcome, outcome, errorArgs: { message: expect.any(String) } });
    return result.errorArgs!;
  }
  const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();

  describe('branches', () => {
    it('Success: the result set, the ids it ran and how long it took', async () => {
      const result = await execute<SearchResult>({});
      const resultSet = expectSuccess(result);
      expect(ids(resultSet.records)).toEqual([DEMO.maria.id]);
      expect(result).toMatchObject({ configurationId: 'demo', workflowId: 'search-ani' });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('ValidationError: an unknown configuration ID, named', async () => {
      const errorArgs = expectFailure(await execute({ configurationId: 'no-such-crm' }), 'ValidationError');
      expect(errorArgs.field).toBe('configurationId');
      expect(errorArgs.message).toContain('no-such-crm');
    });

    it.each(['demo crm', '../demo', ''])('ValidationError: a configuration ID of a bad form (%j)', async (configurationId) => {
      expect(expectFailure(await execute({ configurationId }), 'ValidationError').field).toBe('configurationId');
    });

    it.each(['search ani', '../search-ani', 'search-ani/../../etc', '', 'x'.repeat(65)])('ValidationError: a workflow ID of a bad form (%j)', async (workflowId) => {
      const errorArgs = expectFailure(await execute({ workflowId }), 'ValidationError');
      expect(errorArgs.field).toBe('workflowId');
      expect(errorArgs.message).toMatch(/workflowId/);
    });

    it('ValidationError: a payload that is not JSON', async () => {
      const errorArgs = expectFailure(await execute({ payload: '{"workflowInput": {"phoneNumber": "+12065550142"' }), 'ValidationError');
      expect(errorArgs).toMatchObject({ field: 'payload', message: expect.stringMatching(/^payload: not valid JSON/) });
    });

    it('ValidationError: a payload of JSON that is not an object, or too large', async () => {
      expectFailure(await execute({ payload: '"+12065550142"' }), 'ValidationError');
      const huge = payload({ phoneNumber: '+12065550142' }, { padding: 'x'.repeat(300 * 1024) });
      expect(expectFailure(await execute({ payload: huge }), 'ValidationError').field).toBe('payload');
    });

    it('ValidationError: a mistyped field, named by its path', async () => {
      const errorArgs = expectFailure(await run('search-ani', { phoneNumber: 12065550142 }), 'ValidationError');
      expect(errorArgs.field).toBe('workflowInput.phoneNumber');
      expect(errorArgs.message).toMatch(/^workflowInput\.phoneNumber: /);
    });

    it('ValidationError: a missing field, named by its path', async () => {
      const errorArgs = expectFailure(await run('create-contact', { firstName: 'Nolast' }), 'ValidationError');
      expect(errorArgs.field).toBe('workflowInput.lastName');
      expect(errorArgs.message).toContain('workflowInput.lastName');
    });

    it('ValidationError: a missing workflowInput, and an ANI search with neither phone nor email', async () => {
      expect(expectFailure(await execute({ payload: '{}' }), 'ValidationError').field).toBe('workflowInput');
      const errorArgs = expectFailure(await run('search-ani', {}), 'ValidationError');
      expect(errorArgs.message).toMatch(/phoneNumber/);
      expect(errorArgs.message).toMatch(/email/);
    });

    it('ValidationError: a phone number that is not one, named', async () => {
      const errorArgs = expectFailure(await run('search-ani', { phoneNumber: 'call me maybe' }), 'ValidationError');
      expect(errorArgs).toMatchObject({ field: 'workflowInput.phoneNumber', message: expect.stringContaining('call me maybe') });
    });

    it('ValidationError: a standard create carrying a non-standard field', async () => {
      const errorArgs = expectFailure(await run('create-account', { name: 'Loyal Ltd', loyaltyTier: 'Gold' }), 'ValidationError');
      expect(errorArgs.message).toContain('loyaltyTier');
      expect(errorArgs.field).toMatch(/^workflowInput/);
      expect(await crm.query('account', null, { signal, limit: 5000 }).then((all) => all.filter((a) => a.name === 'Loyal Ltd'))).toEqual([]);
    });

    it('ValidationError: a Custom Search filter with a bad token, named', async () => {
      const errorArgs = expectFailure(await run('custom-search', { search: { entity: 'account', filter: 'name = "x" DROP TABLE crm_records' } }), 'ValidationError');
      expect(errorArgs.field).toBe('workflowInput.search.filter');
      expect(errorArgs.message).toContain('"DROP"');
      const quote = expectFailure(await run('custom-search', { search: { entity: 'account', filter: "name = '' OR 1=1 --" } }), 'ValidationError');
      expect(quote.message).toContain(`"''"`);
    });

    it('ValidationError: a timeoutMilliSec that is not a whole number of milliseconds', async () => {
      for (const timeoutMilliSec of ['soon', '0', '-5', '1.5', '999999']) {
        const errorArgs = expectFailure(await execute({ payload: payload({ phoneNumber: '+12065550142' }, { timeoutMilliSec }) }), 'ValidationError');
        expect(errorArgs.field, timeoutMilliSec).toBe('timeoutMilliSec');
      }
    });

    it('ValidationError: a caller timeoutMs that is not a whole number of milliseconds', async () => {
      for (const timeoutMs of [0, -5, 1.5, Number.NaN, 999_999]) {
        const errorArgs = expectFailure(await execute({ timeoutMs }), 'ValidationError');
        expect(errorArgs.field, String(timeoutMs)).toBe('timeoutMs');
      }
    });

    it('InvalidWorkflow: a workflow ID the configuration does not define', async () => {
      const errorArgs = expectFailure(await execute({ workflowId: 'create-opportunity' }), 'InvalidWorkflow');
      expect(errorArgs).toMatchObject({ field: 'workflowId', message: expect.stringMatching(/create-opportunity.*not defined/) });
    });

    it('InvalidWorkflow: a workflow that is defined but not enabled', async () => {
      const disabled = engineOver(
        crm,
        shippedWith((json) => {
          const workflows = json.configurations[0]!.workflows as Array<Record<string, unknown>>;
          workflows.find((w) => w.id === 'create-lead')!.enabled = false;
        }),
      );
      const errorArgs = expectFailure(await run('create-lead', { lastName: 'Off', company: 'Nope' }, disabled), 'InvalidWorkflow');
      expect(errorArgs.message).toMatch(/create-lead.*not enabled/);
      expect(await crm.query('lead', null, { signal, limit: 5000 }).then((all) => all.filter((l) => l.fields.company === 'Nope'))).toEqual([]);
      expectSuccess(await execute({}, disabled)); // the other workflows still run
    });

    it('NotConfigured: agent integrations switched off', async () => {
      const off = engineOver(
        crm,
        shippedWith((json) => (json.integrationsEnabled = false)),
      );
      expectFailure(await execute({}, off), 'NotConfigured');
      // Before anything else: even an unknown configuration is NotConfigured when integrations are off.
      expectFailure(await execute({ configurationId: 'no-such-crm' }, off), 'NotConfigured');
    });

    it('NotConfigured: no CRM configuration at all', async () => {
      const none = engineOver(crm, parseCrmConfigurations('{"configurations": []}', 'empty'));
      expectFailure(await execute({}, none), 'NotConfigured');
      expect(none.defaultConfigurationId).toBeUndefined();
      expect(engine.defaultConfigurationId).toBe('demo');
    });

    it('Timeout: after the payload’s timeoutMilliSec, aborting the CRM call', async () => {
      const stalled = new StalledCrm();
      const started = performance.now();
      const result = await execute({ payload: payload({ phoneNumber: '+12065550142' }, { timeoutMilliSec: '60' }) }, engineOver(stalled));
      const elapsed = performance.now() - started;
      expect(expectFailure(result, 'Timeout').message).toContain('60 ms');
      expect(elapsed).toBeGreaterThanOrEqual(55);
      expect(elapsed).toBeLessThan(2000);
      expect(stalled.signals).toHaveLength(1);
      expect(stalled.signals[0]!.aborted).toBe(true);
    });

    it('Timeout: the request’s timeoutMs overrides the payload’s', async () => {
      const stalled = new StalledCrm();
      const started = performance.now();
      const result = await execute({ workflowId: 'custom-search', payload: payload({ search: { entity: 'case', filter: '' } }, { timeoutMilliSec: 60_000 }), timeoutMs: 40 }, engineOver(stalled));
      expect(expectFailure(result, 'Timeout').message).toContain('40 ms');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(stalled.signals[0]!.aborted).toBe(true);
    });

    it('Timeout: also when the CRM ignores the abort', async () => {
      const deaf: CrmConnector = { ...failingCrm(new Error('unused')), findByPhone: () => new Promise<CrmRecord[]>(() => {}) };
      expectFailure(await execute({ timeoutMs: 30 }, engineOver(deaf)), 'Timeout');
    });

    it('InternalError: the CRM answers 500; the message says so and leaks nothing', async () => {
      const result = await execute({}, engineOver(failingCrm(new CrmError('Internal Server Error', 500))));
      const errorArgs = expectFailure(result, 'InternalError');
      expect(errorArgs.message).toContain('HTTP 500');
      expect(errorArgs.message).not.toMatch(/\n\s+at |CrmError|\.ts:\d+/);
      expect(errorArgs.field).toBeUndefined();
    });

    it('InternalError: a plain Error (the network broke); the message leaks none of it', async () => {
      const secret = new Error('connect ECONNREFUSED 10.1.2.3:443 (Authorization: Bearer sk-live-abc123)');
      const errorArgs = expectFailure(await execute({}, engineOver(failingCrm(secret))), 'InternalError');
      for (const leak of ['ECONNREFUSED', '10.1.2.3', 'Bearer', 'sk-live-abc123', secret.stack!.split('\n')[1]!.trim()]) {
        expect(errorArgs.message).not.toContain(leak);
      }
      expect(errorArgs.message).toMatch(/server log/);
    });

    it('ValidationError: the CRM refuses the record with field errors (HTTP 400), naming the field', async () => {
      const refusing = failingCrm(new CrmError('Bad Request', 400, { email: 'is not a valid address' }));
      const errorArgs = expectFailure(await run('create-contact', { lastName: 'Refused', email: 'x' }, engineOver(refusing)), 'ValidationError');
      expect(errorArgs).toMatchObject({ field: 'email', message: expect.stringContaining('email: is not a valid address') });
    });

    it('Default: the caller has no branch for the outcome; `outcome` still says what happened', async () => {
      const failed = await execute({ configurationId: 'no-such-crm', branches: ['Success', 'Timeout'] });
      expect(failed).toMatchObject({ branch: 'Default', outcome: 'ValidationError', errorArgs: { field: 'configurationId' } });

      const succeeded = await execute<SearchResult>({ branches: ['ValidationError'] });
      expect(succeeded).toMatchObject({ branch: 'Default', outcome: 'Success' });
      expect(ids(succeeded.resultSet!.records)).toEqual([DEMO.maria.id]);

      expect(await execute({ branches: [] })).toMatchObject({ branch: 'Default', outcome: 'Success' });
      expect(await execute({ branches: ['Success'] })).toMatchObject({ branch: 'Success', outcome: 'Success' });
      const timedOut = await execute({ timeoutMs: 20, branches: ['Success', 'InternalError'] }, engineOver(new StalledCrm()));
      expect(timedOut).toMatchObject({ branch: 'Default', outcome: 'Timeout' });
    });
  });

  describe('search', () => {
    it.each(['+1 206 555 0142', '(206) 555-0142', '206.555.0142', '+12065550142', '2065550142', '001 206 555 0142', ' +1-206-555-0142 '])(
      'Search for ANI finds Maria Garcia by %j, with her open case in related',
      async (phoneNumber) => {
        const { records, related } = expectSuccess(await run<SearchResult>('search-ani', { phoneNumber }));
        expect(records.map((r) => [r.type, r.id])).toEqual([['contact', DEMO.maria.id]]);
        expect(related.map((r) => [r.type, r.id, r.fields.caseNumber])).toEqual([['case', DEMO.mariaCase.id, 'CS-1001']]);
      },
    );

    it('Search for ANI finds both contacts of the household number, and the account of a company number', async () => {
      const household = expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: '(206) 555-0199' }));
      expect(household.records.map((r) => r.type)).toEqual(['contact', 'contact']);
      expect(ids(household.records)).toEqual([...DEMO.household.contacts].sort());
      expect(household.related.every((r) => r.type === 'case' && r.fields.status !== 'Closed')).toBe(true);

      const contoso = expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: DEMO.contoso.phone }));
      expect(contoso.records.map((r) => [r.type, r.name])).toEqual([['account', 'Contoso Pharmaceuticals']]);
    });

    it('Search for ANI finds nobody at an unknown number: Success with empty results', async () => {
      expect(expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: DEMO.nobody }))).toEqual({ records: [], related: [] });
    });

    it('Search for ANI by email, without regard to case', async () => {
      const { records, related } = expectSuccess(await run<SearchResult>('search-ani', { email: 'MARIA.Garcia@contoso.example' }));
      expect(ids(records)).toEqual([DEMO.maria.id]);
      expect(ids(related)).toEqual([DEMO.mariaCase.id]);
      expect(expectSuccess(await run<SearchResult>('search-ani', { email: 'nobody@contoso.example' })).records).toEqual([]);
      expect(expectFailure(await run('search-ani', { email: 'not an address' }), 'ValidationError').field).toBe('workflowInput.email');
      expectFailure(await run('search-ani', { email: DEMO.maria.email, phoneNumber: '+12065550142' }), 'ValidationError');
    });

    it('Custom Search by case number', async () => {
      const { records, related } = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'case', filter: 'caseNumber = "CS-1001"' } }));
      expect(records.map((r) => [r.id, r.fields.subject])).toEqual([[DEMO.mariaCase.id, 'Damaged shipment']]);
      expect(related).toEqual([]);
    });

    it('Custom Search of text by role: accents and case folded, a case by its number, refusals listed', async () => {
      const people = expectSuccess(await run<SearchResult>('custom-search', { text: { query: 'GARCÍA', roles: ['person', 'organization'] } }));
      expect(people.records.map((r) => r.id)).toContain(DEMO.maria.id);
      expect(people.refused).toEqual([]);
      const cases = expectSuccess(await run<SearchResult>('custom-search', { text: { query: 'CS-1001', roles: ['case'] } }));
      expect(cases.records.map((r) => r.id)).toEqual([DEMO.mariaCase.id]);
      expectFailure(await run('custom-search', { text: { query: 'x', roles: ['person'] } }), 'ValidationError');
      expectFailure(await run('custom-search', { text: { query: 'Maria', roles: ['contact'] } }), 'ValidationError');
    });

    it('Custom Search describes a type, by its own name or as a standard record', async () => {
      const byName = expectSuccess(await run<SearchResult>('custom-search', { describe: { entity: 'contact' } }));
      expect(byName.description).toMatchObject({ label: 'Contact', fields: { mobilePhone: { kind: 'phone' } } });
      const standard = expectSuccess(await run<SearchResult>('custom-search', { describe: { standard: 'case' } }));
      expect(standard.description?.fields.priority?.defaultValue).toBe('Medium');
      expect(standard.standardFields?.priority).toBe('priority');
      expectFailure(await run('custom-search', { describe: { standard: 'spaceship' } }), 'ValidationError');
    });

    it('Custom Search with and/or/parentheses and a limit', async () => {
      const filter = 'status != "Closed" and (subject contains "shipment" or priority = "High")';
      const { records } = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'case', filter }, limit: 200 }));
      expect(records.length).toBeGreaterThan(1);
      expect(records.map((r) => r.id)).toContain(DEMO.mariaCase.id);
      for (const r of records) {
        expect(r.type).toBe('case');
        expect(r.fields.status).not.toBe('Closed');
        expect(String(r.fields.subject).toLowerCase().includes('shipment') || r.fields.priority === 'High').toBe(true);
      }
      const limited = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'case', filter }, limit: 2 }));
      expect(limited.records).toHaveLength(2);
      const everything = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'account' }, limit: 5 }));
      expect(everything.records).toHaveLength(5);
    });

    it('Custom Search finds text with a quote in it literally', async () => {
      const { records } = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'account', filter: `name = "Margie's Travel" or name startswith "Contoso"` } }));
      expect(records.map((r) => r.name).sort()).toEqual(['Contoso Pharmaceuticals', "Margie's Travel"]);
      const injected = expectSuccess(await run<SearchResult>('custom-search', { search: { entity: 'account', filter: `name = "x\\" or name != \\"x"` } }));
      expect(injected.records).toEqual([]);
    });
  });

  describe('create', () => {
    it('Create Account', async () => {
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('create-account', { name: 'Fresh Air Ltd', phone: '+1 206 555 0151', industry: 'Retail' }));
      // Phone fields are stored in E.164 and shown formatted (issue 11).
      expect(record).toMatchObject({ type: 'account', name: 'Fresh Air Ltd', fields: { phone: '+12065550151', industry: 'Retail' }, display: { phone: '+1 206 555 0151' } });
      expect(await crm.get({ type: 'account', id: record.id }, { signal })).toEqual(record);
      const found = expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: '2065550151' }));
      expect(ids(found.records)).toEqual([record.id]);
    });

    it('Create Contact, linked to its account', async () => {
      const input = { firstName: 'Nia', lastName: 'Okoro', mobilePhone: '(206) 555-0152', email: 'nia.okoro@contoso.example', accountId: DEMO.contoso.id, title: 'Buyer' };
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('create-contact', input));
      expect(record).toMatchObject({
        type: 'contact',
        name: 'Nia Okoro',
        role: 'person',
        fields: { ...input, mobilePhone: '+12065550152', accountName: 'Contoso Pharmaceuticals' },
        canonical: { organization: { ref: { type: 'account', id: DEMO.contoso.id }, name: 'Contoso Pharmaceuticals' } },
      });
      const found = expectSuccess(await run<SearchResult>('search-ani', { email: 'Nia.Okoro@contoso.example' }));
      expect(ids(found.records)).toEqual([record.id]);
    });

    it('Create Case, numbered, and found among the contact’s open cases', async () => {
      const { record: contact } = expectSuccess(await run<{ record: CrmRecord }>('create-contact', { lastName: 'Casey', mobilePhone: '+1 206 555 0153' }));
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('create-case', { subject: 'Broken lid', priority: 'Low', status: 'New', contactId: contact.id }));
      expect(record).toMatchObject({ type: 'case', fields: { subject: 'Broken lid', contactId: contact.id } });
      expect(record.fields.caseNumber).toMatch(/^CS-\d+$/);
      expect(record.name).toBe(`${String(record.fields.caseNumber)} Broken lid`);
      const found = expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: '+12065550153' }));
      expect(ids(found.related)).toEqual([record.id]);
    });

    it('Create Lead', async () => {
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('create-lead', { firstName: 'Lee', lastName: 'Quinn', company: 'Quinn & Co', email: 'lee@quinn.example' }));
      expect(record).toMatchObject({ type: 'lead', name: 'Lee Quinn', fields: { company: 'Quinn & Co' } });
      expect(await crm.get({ type: 'lead', id: record.id }, { signal })).toEqual(record);
      const missing = expectFailure(await run('create-lead', { lastName: 'Quinn' }), 'ValidationError');
      expect(missing.field).toBe('workflowInput.company');
    });

    it('Create Custom Record: any record type, any fields', async () => {
      const fields = { name: 'WO-9001', subject: 'Replace valve', scheduledFor: '2026-03-20T08:00:00.000Z', estimateHours: 2.5, onSite: true, notes: null };
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('create-custom-record', { entity: 'work_order', fields }));
      expect(record).toMatchObject({ type: 'work_order', name: 'WO-9001', fields });
      expect(await crm.get({ type: 'work_order', id: record.id }, { signal })).toEqual(record);

      const { record: account } = expectSuccess(await run<{ record: CrmRecord }>('create-custom-record', { entity: 'account', fields: { name: 'Tiered', loyaltyTier: 'Gold' } }));
      expect(account.fields.loyaltyTier).toBe('Gold');

      const bad = expectFailure(await run('create-custom-record', { entity: 'work order', fields: {} }), 'ValidationError');
      expect(bad.field).toBe('workflowInput.entity');
      const badField = expectFailure(await run('create-custom-record', { entity: 'work_order', fields: { 'drop table': 1 } }), 'ValidationError');
      expect(badField.message).toContain('workflowInput.fields');
      const nested = expectFailure(await run('create-custom-record', { entity: 'work_order', fields: { photo: { url: 'x' } } }), 'ValidationError');
      expect(nested.field).toBe('workflowInput.fields.photo');
    });
  });

  describe('update', () => {
    it('merges the fields into the record', async () => {
      const created = await crm.create('contact', { firstName: 'Ugo', lastName: 'Updated', email: 'ugo@example.com' }, { signal });
      const { record } = expectSuccess(await run<{ record: CrmRecord }>('update-record', { entity: 'contact', id: created.id, fields: { title: 'Director', mobilePhone: '+1 206 555 0154' } }));
      expect(record.fields).toEqual({ firstName: 'Ugo', lastName: 'Updated', email: 'ugo@example.com', title: 'Director', mobilePhone: '+12065550154' });
      expect(await crm.get({ type: 'contact', id: created.id }, { signal })).toEqual(record);
      expect(ids(expectSuccess(await run<SearchResult>('search-ani', { phoneNumber: '2065550154' })).records)).toEqual([created.id]);
    });

    it('refuses an unknown record or an empty change, naming the field', async () => {
      const unknown = expectFailure(await run('update-record', { entity: 'contact', id: 'con-nobody', fields: { title: 'x' } }), 'ValidationError');
      expect(unknown).toMatchObject({ field: 'workflowInput.id', message: expect.stringContaining('con-nobody') });
      const empty = expectFailure(await run('update-record', { entity: 'contact', id: DEMO.maria.id, fields: {} }), 'ValidationError');
      expect(empty.field).toBe('workflowInput.fields');
    });
  });

  describe('timeline and memorialization', () => {
    const interaction = (id: string, overrides: Record<string, FieldValue> = {}) => ({
      id,
      ani: '+12065550142',
      channel: 'voice',
      startedAt: '2026-03-14T09:00:00.000Z',
      endedAt: '2026-03-14T09:04:05.000Z',
      durationSeconds: 245,
      disposition: 'Replacement sent',
      notes: 'Customer confirmed the address.',
      ...overrides,
    });
    const agent = { id: 'agent-1', name: 'Alex Agent' };

    it('timeline: one task regarding the record with the interaction ID, number, duration, disposition and notes', async () => {
      const contact = await crm.create('contact', { lastName: 'Timeline' }, { signal });
      const input = { regarding: { entity: 'contact', id: contact.id }, interaction: interaction('int-100'), agent };
      const first = expectSuccess(await run<{ activity: CrmRecord; created: boolean }>('timeline', input));
      expect(first.created).toBe(true);
      expect(first.activity).toMatchObject({
        type: 'task',
        fields: {
          regardingType: 'contact',
          regardingId: contact.id,
          interactionId: 'int-100',
          phoneNumber: '+12065550142',
          durationSeconds: 245,
          disposition: 'Replacement sent',
          notes: 'Customer confirmed the address.',
          agentName: 'Alex Agent',
        },
      });
      expect(first.activity.fields.subject).toContain('Inbound call');
      // Dated by the call, not by when the job ran (issue 11).
      expect(first.activity.canonical.activityDate).toBe(interaction('int-100').startedAt);
      const description = String(first.activity.fields.description);
      for (const part of ['int-100', '+1 206 555 0142', '4 min 5 s', 'Replacement sent', 'Customer confirmed the address.', 'Alex Agent']) {
        expect(description).toContain(part);
      }

      const again = expectSuccess(await run<{ activity: CrmRecord; created: boolean }>('timeline', input));
      expect(again).toMatchObject({ created: false, activity: { id: first.activity.id } });
      const tasks = await crm.listActivities({ type: 'contact', id: contact.id }, { signal, limit: 10 });
      expect(tasks.map((t) => t.id)).toEqual([first.activity.id]);

      // Another interaction is another task.
      await run('timeline', { ...input, interaction: interaction('int-101') });
      expect(await crm.listActivities({ type: 'contact', id: contact.id }, { signal, limit: 10 })).toHaveLength(2);
    });

    it('timeline: concurrent retries of one interaction still write one task', async () => {
      const contact = await crm.create('contact', { lastName: 'Retried' }, { signal });
      const input = { regarding: { entity: 'contact', id: contact.id }, interaction: interaction('int-200'), agent };
      const results = await Promise.all(Array.from({ length: 5 }, () => run<{ activity: CrmRecord; created: boolean }>('timeline', input)));
      expect(results.map((r) => r.outcome)).toEqual(Array(5).fill('Success'));
      expect(results.filter((r) => r.resultSet!.created)).toHaveLength(1);
      expect(await crm.listActivities({ type: 'contact', id: contact.id }, { signal, limit: 10 })).toHaveLength(1);
    });

    it('timeline: refuses interaction data of the wrong shape, naming the field', async () => {
      const contact = await crm.create('contact', { lastName: 'Shapeless' }, { signal });
      const errorArgs = expectFailure(
        await run('timeline', { regarding: { entity: 'contact', id: contact.id }, interaction: interaction('int-300', { durationSeconds: '245' }), agent }),
        'ValidationError',
      );
      expect(errorArgs.field).toBe('workflowInput.interaction.durationSeconds');
      expect(await crm.listActivities({ type: 'contact', id: contact.id }, { signal, limit: 10 })).toEqual([]);
    });

    it("timeline and memorialization: a record that does not exist is the input's fault, named", async () => {
      const input = { regarding: { entity: 'contact', id: 'con-gone' }, interaction: interaction('int-350'), agent };
      for (const workflow of ['timeline', 'memorialize']) {
        const errorArgs = expectFailure(await run(workflow, input), 'ValidationError');
        expect(errorArgs).toMatchObject({ field: 'workflowInput.regarding.id', message: expect.stringContaining('no contact with id "con-gone"') });
      }
    });

    it('memorialization: writes the mapped fields as text, per record type', async () => {
      const contact = await crm.create('contact', { lastName: 'Memo', title: 'Keeps' }, { signal });
      const result = expectSuccess(
        await run<{ record: CrmRecord | null; fields: Record<string, FieldValue> }>('memorialize', {
          regarding: { entity: 'contact', id: contact.id },
          interaction: interaction('int-400'),
          agent,
        }),
      );
      const written = { lastContactAt: '2026-03-14T09:04:05.000Z', lastAgent: 'Alex Agent', lastDisposition: 'Replacement sent' };
      expect(result.fields).toEqual(written);
      expect((await crm.get({ type: 'contact', id: contact.id }, { signal }))!.fields).toEqual({ lastName: 'Memo', title: 'Keeps', ...written });

      // The shipped mappings give a case only the disposition.
      const kase = await crm.create('case', { subject: 'Memo case' }, { signal });
      const forCase = expectSuccess(await run<{ fields: Record<string, FieldValue> }>('memorialize', { regarding: { entity: 'case', id: kase.id }, interaction: interaction('int-401'), agent }));
      expect(forCase.fields).toEqual({ lastDisposition: 'Replacement sent' });
      expect((await crm.get({ type: 'case', id: kase.id }, { signal }))!.fields).toMatchObject({ lastDisposition: 'Replacement sent' });
      expect((await crm.get({ type: 'case', id: kase.id }, { signal }))!.fields).not.toHaveProperty('lastAgent');
    });

    it('memorialization: numbers are written as text; a mapping for other types writes nothing', async () => {
      const custom = engineOver(
        crm,
        shippedWith((json) => {
          json.configurations[0]!.memorializationMappings = [
            { source: 'interaction.durationSeconds', target: 'lastDurationSeconds' },
            { source: 'interaction.id', target: 'lastInteractionId' },
            { source: 'interaction.notes', target: 'lastNotes', recordTypes: ['lead'] },
          ];
        }),
      );
      const contact = await crm.create('contact', { lastName: 'Texty' }, { signal });
      const regarding = { entity: 'contact', id: contact.id };
      const result = expectSuccess(await run<{ fields: Record<string, FieldValue> }>('memorialize', { regarding, interaction: interaction('int-500'), agent }, custom));
      expect(result.fields).toEqual({ lastDurationSeconds: '245', lastInteractionId: 'int-500' });
      expect((await crm.get({ type: 'contact', id: contact.id }, { signal }))!.fields.lastDurationSeconds).toBe('245');

      const onlyLeads = engineOver(
        crm,
        shippedWith((json) => {
          json.configurations[0]!.memorializationMappings = [{ source: 'interaction.notes', target: 'lastNotes', recordTypes: ['lead'] }];
        }),
      );
      const nothing = expectSuccess(await run<{ record: CrmRecord | null; fields: Record<string, FieldValue> }>('memorialize', { regarding, interaction: interaction('int-501'), agent }, onlyLeads));
      expect(nothing).toEqual({ record: null, fields: {} });
      expect((await crm.get({ type: 'contact', id: contact.id }, { signal }))!.fields).not.toHaveProperty('lastNotes');
    });
  });
});

describe('what a CRM cannot do', () => {
  const configurations = loadCrmConfigurations('config/crm-configurations.json');
  const limited = (overrides: Partial<CrmConnector>): WorkflowEngine =>
    new WorkflowEngine({
      configurations,
      connectorFor: () => ({ ...failingCrm(new Error('must not be called')), ...overrides }),
      logger: pino({ level: 'silent' }),
      defaultRegion: 'US',
    });

  it("answers InvalidWorkflow with the CRM's reason for a capability it lacks, without calling it", async () => {
    const engine = limited({ unsupported: { update: 'this CRM offers updates only through its own app' } });
    const result = await engine.execute({ configurationId: 'demo', workflowId: 'update-record', payload: JSON.stringify({ workflowInput: { entity: 'contact', id: 'c1', fields: { title: 'x' } } }) });
    expect(result).toMatchObject({ outcome: 'InvalidWorkflow', errorArgs: { message: 'workflow "update-record": this CRM offers updates only through its own app' } });
  });

  it('leaves no deadline running behind an InvalidWorkflow answer (its rejection would crash the process later)', async () => {
    const engine = limited({ unsupported: { update: 'no updates here' } });
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const result = await engine.execute({
        configurationId: 'demo',
        workflowId: 'update-record',
        timeoutMs: 20,
        payload: JSON.stringify({ workflowInput: { entity: 'contact', id: 'c1', fields: { title: 'x' } } }),
      });
      expect(result.outcome).toBe('InvalidWorkflow');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('answers InvalidWorkflow for a standard record the CRM does not have', async () => {
    const engine = limited({ standardTypes: {} });
    const result = await engine.execute({ configurationId: 'demo', workflowId: 'create-lead', payload: JSON.stringify({ workflowInput: { lastName: 'L', company: 'C' } }) });
    expect(result).toMatchObject({ outcome: 'InvalidWorkflow', errorArgs: { message: expect.stringContaining('this CRM has no standard "lead" record; use Create Custom Record') } });
  });

  it('says the credentials were refused when the CRM answers 401 or 403', async () => {
    for (const status of [401, 403]) {
      const engine = limited({ findByPhone: () => Promise.reject(new CrmError('Unauthorized', status)) });
      const result = await engine.execute({ configurationId: 'demo', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550142' } }) });
      expect(result).toMatchObject({ outcome: 'InternalError', errorArgs: { message: `The CRM refused the credentials of configuration "demo" (HTTP ${status}); an admin must renew them.` } });
    }
  });
});
