import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../../src/crm/port.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { parseCrmConfigurations, type CrmConfiguration, type CrmConfigurations } from '../../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../../src/workflows/engine.js';
import type { SearchResult } from '../../../src/workflows/search.js';
import type { WorkflowResult } from '../../../src/workflows/result.js';
import { AGENT_EMAIL, API_TOKEN, startWire, TOKEN_ENV, zendeskConnector } from './harness.js';
import type { ZendeskWireServer } from './wireServer.js';

/** The Zendesk connector under the workflow engine: every workflow kind and the branches of Zendesk's refusals. */
const signal = new AbortController().signal;
const opts = { signal };
let uniq = 0;
const tag = () => `t${Date.now().toString(36)}${uniq++}`;

describe('Zendesk through the workflow engine', () => {
  let wire: ZendeskWireServer;
  let crm: CrmConnector;
  let engine: WorkflowEngine;

  const configurations = (): CrmConfigurations => {
    const parsed = parseCrmConfigurations(
      JSON.stringify({
        configurations: [
          {
            id: 'zendesk',
            name: 'Zendesk Support',
            connector: { type: 'embedded' },
            workflows: [
              { id: 'search-ani', name: 'Search for ANI', kind: 'search', variant: 'ani' },
              { id: 'custom-search', name: 'Custom Search', kind: 'search', variant: 'custom' },
              { id: 'create-ticket', name: 'Create Ticket', kind: 'create', variant: 'standard', recordType: 'ticket' },
              { id: 'create-user', name: 'Create User', kind: 'create', variant: 'standard', recordType: 'user' },
              { id: 'create-lead', name: 'Create Lead', kind: 'create', variant: 'standard', recordType: 'lead' },
              { id: 'create-custom-record', name: 'Create Custom Record', kind: 'create', variant: 'custom' },
              { id: 'update-record', name: 'Update Record', kind: 'update' },
              { id: 'timeline', name: 'Timeline', kind: 'timeline', subject: 'Inbound call' },
              { id: 'memorialize', name: 'Data Memorialization', kind: 'memorialization' },
            ],
            memorializationMappings: [
              { source: 'interaction.endedAt', target: 'last_call_at', recordTypes: ['user'] },
              { source: 'agent.name', target: 'last_agent', recordTypes: ['user'] },
            ],
          },
        ],
      }),
      'test',
    );
    // The registry (not this connector's business) will know "zendesk"; the engine only passes it through.
    const zendesk = { type: 'zendesk', instanceUrl: 'https://acme.zendesk.com', auth: { kind: 'api-token', email: AGENT_EMAIL, apiTokenEnv: TOKEN_ENV } };
    parsed.configurations[0]!.connector = zendesk as unknown as CrmConfiguration['connector'];
    return parsed;
  };

  beforeAll(async () => {
    wire = await startWire();
    crm = zendeskConnector(wire);
    engine = new WorkflowEngine({
      configurations: configurations(),
      connectorFor: () => crm,
      logger: pino({ level: 'silent' }),
      defaultRegion: 'US',
    });
  });
  afterAll(async () => {
    await wire?.close();
  });

  const run = <T = unknown>(workflowId: string, workflowInput: unknown) =>
    engine.execute({ configurationId: 'zendesk', workflowId, payload: JSON.stringify({ workflowInput }) }) as Promise<WorkflowResult<T>>;
  const interaction = (id: string) => ({
    id,
    ani: '+12065550142',
    channel: 'voice',
    startedAt: '2026-03-14T09:20:00.000Z',
    endedAt: '2026-03-14T09:30:00.000Z',
    durationSeconds: 600,
    disposition: 'Resolved',
    notes: 'Replacement sent',
  });

  it('runs the standard creates, a search for ANI with open cases, a custom search, update, timeline and memorialization', async () => {
    const m = tag();
    const user = await run<{ record: CrmRecord }>('create-user', { firstName: 'Maria', lastName: `Garcia ${m}`, email: `${m}.maria@example.com`, phone: '(206) 555-0142' });
    expect(user).toMatchObject({ branch: 'Success', resultSet: { record: { type: 'user', name: `Maria Garcia ${m}`, fields: { first_name: 'Maria', last_name: `Garcia ${m}` } } } });
    const userId = user.resultSet!.record.id;

    const ticket = await run<{ record: CrmRecord }>('create-ticket', { subject: 'Damaged shipment', description: 'Box crushed', priority: 'High', contactId: userId });
    expect(ticket).toMatchObject({ branch: 'Success', resultSet: { record: { type: 'ticket', fields: { priority: 'high', requester_id: userId, description: 'Box crushed' } } } });
    const ticketId = ticket.resultSet!.record.id;

    const ani = await run<SearchResult>('search-ani', { phoneNumber: '+1 206 555 0142' });
    expect(ani.branch).toBe('Success');
    expect(ani.resultSet!.records.map((r) => r.id)).toEqual([userId]);
    expect(ani.resultSet!.related.map((r) => r.id)).toEqual([ticketId]);

    const custom = await run<SearchResult>('custom-search', { search: { entity: 'ticket', filter: `requester_id = "${userId}" and status != "closed"` } });
    expect(custom).toMatchObject({ branch: 'Success' });
    expect(custom.resultSet!.records.map((r) => r.id)).toEqual([ticketId]);

    const updated = await run<{ record: CrmRecord }>('update-record', { entity: 'ticket', id: ticketId, fields: { status: 'pending' } });
    expect(updated).toMatchObject({ branch: 'Success', resultSet: { record: { fields: { status: 'pending' } } } });

    const acw = { regarding: { entity: 'user', id: userId }, interaction: interaction(`int-${m}`), agent: { id: 'agent-7', name: 'Alex Agent' } };
    const before = wire.ticketCount();
    const first = await run<{ created: boolean }>('timeline', acw);
    const second = await run<{ created: boolean }>('timeline', acw);
    expect([first.branch, first.resultSet?.created, second.branch, second.resultSet?.created]).toEqual(['Success', true, 'Success', false]);
    expect(wire.ticketCount()).toBe(before + 1);

    const memo = await run<{ record: CrmRecord }>('memorialize', acw);
    expect(memo).toMatchObject({ branch: 'Success', resultSet: { record: { fields: { last_call_at: '2026-03-14', last_agent: 'Alex Agent' } } } });
  });

  it('maps Zendesk refusals to the branches: field errors, no leads, refused credentials', async () => {
    const lead = await run('create-lead', { lastName: 'Doe', company: 'Acme' });
    expect(lead).toMatchObject({ branch: 'InvalidWorkflow', errorArgs: { message: expect.stringContaining('no standard "lead" record') } });

    const bad = await run('create-custom-record', { entity: 'ticket', fields: { subject: 'x', priority: 'Extreme' } });
    expect(bad).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'priority' } });

    const missing = await run('update-record', { entity: 'user', id: '424242', fields: { title: 'x' } });
    expect(missing).toMatchObject({ branch: 'ValidationError', errorArgs: { field: 'workflowInput.id' } });

    wire.refuseAll = true;
    try {
      const refused = await run('search-ani', { phoneNumber: '+12065550142' });
      expect(refused).toMatchObject({ branch: 'InternalError', errorArgs: { message: expect.stringContaining('refused the credentials') } });
      expect(JSON.stringify(refused)).not.toContain(API_TOKEN);
    } finally {
      wire.refuseAll = false;
    }
  });

  it('creates the catalogue’s contact, account and case as user, organization and ticket', async () => {
    const m = tag();
    const account = await crm.create('organization', { name: `${m} Contoso` }, opts);
    const { standardTypes } = crm;
    expect(standardTypes.contact?.type).toBe('user');
    expect(standardTypes.account).toEqual({ type: 'organization', fields: { name: 'name' } });
    expect(standardTypes.case?.fields.contactId).toBe('requester_id');
    const contact = await crm.create('user', { first_name: 'Chris', last_name: `Doe ${m}`, organization_id: account.id }, opts);
    expect(contact.fields).toMatchObject({ name: `Chris Doe ${m}`, organization_id: account.id });
    const openCases = await crm.openCases({ type: 'organization', id: account.id }, { signal, limit: 5 });
    expect(openCases).toEqual([]);
    const ticket = await crm.create('ticket', { subject: 'Org case', requester_id: contact.id }, opts);
    expect(ticket.fields.organization_id).toBe(account.id);
    expect((await crm.openCases({ type: 'organization', id: account.id }, { signal, limit: 5 })).map((r) => r.id)).toEqual([ticket.id]);
  });
});
