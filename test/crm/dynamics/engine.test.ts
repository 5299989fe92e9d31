import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicsConnectorSchema } from '../../../src/crm/dynamics/config.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import type { CrmConfigurations } from '../../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../../src/workflows/engine.js';
import type { SearchResult } from '../../../src/workflows/search.js';
import { configFor, connectorFor, opts } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

describe('the Dynamics connector through the workflow engine', () => {
  let server: DataverseWireServer;
  let engine: WorkflowEngine;
  let maria: CrmRecord;

  const configurations = (server: DataverseWireServer): CrmConfigurations => ({
    integrationsEnabled: true,
    defaultConfigurationId: 'dynamics',
    configurations: [
      {
        id: 'dynamics',
        name: 'Contoso Dynamics 365',
        connector: dynamicsConnectorSchema.parse(configFor(server)) as any,
        workflows: [
          { id: 'search-ani', name: 'Search for ANI', kind: 'search', variant: 'ani', enabled: true },
          { id: 'custom-search', name: 'Custom Search', kind: 'search', variant: 'custom', enabled: true },
          { id: 'create-contact', name: 'Create Contact', kind: 'create', variant: 'standard', recordType: 'contact', enabled: true },
          { id: 'update-record', name: 'Update Record', kind: 'update', enabled: true },
          { id: 'timeline', name: 'Timeline', kind: 'timeline', subject: 'Inbound call', enabled: true },
          { id: 'memorialize', name: 'Data Memorialization', kind: 'memorialization', enabled: true },
        ],
        memorializationMappings: [
          { source: 'interaction.disposition', target: 'new_lastdisposition', recordTypes: ['contact'] },
          { source: 'agent.name', target: 'new_lastagent', recordTypes: ['contact'] },
          { source: 'interaction.durationSeconds', target: 'new_lastcallseconds', recordTypes: ['contact'] },
        ],
        dynamicDataMappings: {},
      },
    ],
  });

  beforeAll(async () => {
    server = await DataverseWireServer.start();
    const connector = connectorFor(server);
    engine = new WorkflowEngine({ configurations: configurations(server), connectorFor: () => connector, logger: pino({ level: 'silent' }), defaultRegion: 'US' });
    maria = await connector.create('contact', { firstname: 'Maria', lastname: 'Garcia', mobilephone: '+1 206 555 0142' }, opts());
    await connector.create('incident', { title: 'Damaged shipment', customerid_contact: maria.id }, opts());
  });
  afterAll(async () => {
    await server?.close();
  });

  const run = (workflowId: string, workflowInput: unknown) => engine.execute({ configurationId: 'dynamics', workflowId, payload: JSON.stringify({ workflowInput }) });
  const acw = (id: string) => ({
    regarding: { entity: 'contact', id: maria.id },
    interaction: {
      id,
      ani: '+12065550142',
      channel: 'voice',
      startedAt: '2026-03-14T09:30:00.000Z',
      endedAt: '2026-03-14T09:32:05.000Z',
      durationSeconds: 125,
      disposition: 'Resolved',
      notes: 'Replacement sent',
    },
    agent: { id: 'agent-1', name: 'Alex Agent' },
  });

  it('Search for ANI: Success with Maria and her open case', async () => {
    const result = await run('search-ani', { phoneNumber: '(206) 555-0142' });
    expect(result.branch).toBe('Success');
    const { records, related } = result.resultSet as SearchResult;
    expect(records.map((r) => r.id)).toEqual([maria.id]);
    expect(related.map((r) => r.name)).toEqual(['Damaged shipment']);
  });

  it('Custom Search: Success; a filter on a column the table lacks: ValidationError naming the filter', async () => {
    const found = await run('custom-search', { search: { entity: 'incident', filter: 'statuscode != "Problem Solved" and title contains "damaged"' } });
    expect(found.branch).toBe('Success');
    expect((found.resultSet as SearchResult).records.map((r) => r.name)).toEqual(['Damaged shipment']);
    const bad = await run('custom-search', { search: { entity: 'incident', filter: 'nosuch = "x"' } });
    expect(bad).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'filter' } });
  });

  it('standard create and update: Success; a value too long: ValidationError naming the column', async () => {
    const created = await run('create-contact', { firstName: 'Pat', lastName: 'Doe', email: 'pat@example.com' });
    expect(created.branch).toBe('Success');
    const record = (created.resultSet as { record: CrmRecord }).record;
    expect(record.fields).toMatchObject({ firstname: 'Pat', lastname: 'Doe', emailaddress1: 'pat@example.com' });
    const updated = await run('update-record', { entity: 'contact', id: record.id, fields: { jobtitle: 'Buyer' } });
    expect(updated.branch).toBe('Success');
    expect((updated.resultSet as { record: CrmRecord }).record.fields.jobtitle).toBe('Buyer');
    const tooLong = await run('create-contact', { firstName: 'x'.repeat(51), lastName: 'Doe' });
    expect(tooLong).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'firstname' } });
    const missing = await run('update-record', { entity: 'contact', id: '00000000-0000-0000-0000-00000000dead', fields: { jobtitle: 'x' } });
    expect(missing).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'workflowInput.id' } });
  });

  it('timeline twice: one phone call; memorialization writes the mapped columns', async () => {
    const first = await run('timeline', acw('int-1'));
    const second = await run('timeline', acw('int-1'));
    expect(first.branch).toBe('Success');
    expect(second.branch).toBe('Success');
    expect((first.resultSet as { created: boolean }).created).toBe(true);
    expect((second.resultSet as { created: boolean; activity: CrmRecord }).created).toBe(false);
    expect((second.resultSet as { activity: CrmRecord }).activity.id).toBe((first.resultSet as { activity: CrmRecord }).activity.id);
    const calls = server.stored('phonecall');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.values).toMatchObject({
      subject: 'Inbound call +1 206 555 0142',
      actualdurationminutes: 3,
      directioncode: false,
      statecode: 1,
      statuscode: 4,
      subcategory: `int-1:contact:${maria.id}`,
    });

    // Notes longer than the description column (2000): cut to fit, not refused on every retry.
    const long = await run('timeline', { ...acw('int-2'), interaction: { ...acw('int-2').interaction, notes: 'n'.repeat(5000) } });
    expect(long.branch).toBe('Success');
    expect(String((long.resultSet as { activity: CrmRecord }).activity.fields.description)).toHaveLength(2000);

    const memorialized = await run('memorialize', acw('int-1'));
    expect(memorialized.branch).toBe('Success');
    expect((memorialized.resultSet as { record: CrmRecord }).record.fields).toMatchObject({ new_lastdisposition: 'Resolved', new_lastagent: 'Alex Agent', new_lastcallseconds: 125 });
  });

  it('refused credentials: InternalError saying so', async () => {
    const refusing = connectorFor(server, { secret: 'wrong' });
    const other = new WorkflowEngine({ configurations: configurations(server), connectorFor: () => refusing, logger: pino({ level: 'silent' }), defaultRegion: 'US' });
    const result = await other.execute({ configurationId: 'dynamics', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550142' } }) });
    expect(result).toMatchObject({ branch: 'InternalError', errorArgs: { message: expect.stringContaining('refused the credentials') } });
  });
});
