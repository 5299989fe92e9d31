import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/crm/filter.js';
import type { CrmConnector } from '../../../src/crm/port.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { parseCrmConfigurations, type CrmConfiguration } from '../../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../../src/workflows/engine.js';
import { AGENT_EMAIL, startWire, TOKEN_ENV, zendeskConnector } from './harness.js';
import type { ZendeskWireServer } from './wireServer.js';

/**
 * The port's canonical model on Zendesk (issue 11, expectations a-g of the connector contract), against the
 * local Zendesk: roles, canonical fields with the names of the organization and requester, display values,
 * activities dated by the interaction, describe from the field APIs, searchText with Zendesk's word rules
 * and partial refusals.
 */
const signal = new AbortController().signal;
const opts = { signal };
let uniq = 0;
const tag = () => `c${Date.now().toString(36)}${uniq++}`;

describe('Zendesk canonical model', () => {
  let wire: ZendeskWireServer;
  let crm: CrmConnector;
  /** A person of an organization, and a ticket of theirs. */
  let org: CrmRecord;
  let person: CrmRecord;
  let ticket: CrmRecord;
  let m: string;

  beforeAll(async () => {
    wire = await startWire();
    crm = zendeskConnector(wire);
    m = tag();
    org = await crm.create('organization', { name: `Contoso ${m}` }, opts);
    person = await crm.create(
      'user',
      { first_name: 'María', name: `María García${m}`, email: `${m}@example.com`, phone: '(206) 555-0142', mobile_phone: '+1 425 555 0100', organization_id: org.id },
      opts,
    );
    ticket = await crm.create('ticket', { subject: `Damaged box ${m}`, description: 'Crushed', priority: 'high', requester_id: person.id, organization_id: org.id }, opts);
  });
  afterAll(async () => {
    await wire?.close();
  });

  const organizationOf = () => ({ ref: { type: 'organization', id: org.id }, name: `Contoso ${m}` });

  it('reads a person with role, names, email, phones and the organization by name, from every read (a, b, g)', async () => {
    const expected = {
      role: 'person',
      typeLabel: 'User',
      canonical: {
        firstName: 'María',
        lastName: `García${m}`,
        email: `${m}@example.com`,
        phones: ['(206) 555-0142', '+1 425 555 0100'],
        organization: organizationOf(),
      },
      display: { organization_id: `Contoso ${m}`, role: 'End user' },
    };
    expect(person).toMatchObject(expected);
    expect(await crm.get({ type: 'user', id: person.id }, opts)).toMatchObject(expected);
    expect((await crm.query('user', parseFilter(`id = "${person.id}"`), { signal, limit: 5 }))[0]).toMatchObject(expected);
    expect((await crm.findByPhone('+12065550142', opts)).find((r) => r.id === person.id)).toMatchObject(expected);
    expect((await crm.searchText(`garcía${m}`, ['person'], { signal, limit: 5 })).records[0]).toMatchObject(expected);
    expect(org).toMatchObject({ role: 'organization', typeLabel: 'Organization' });
    // One show_many per read for the organization's name, never one GET per record.
    expect(wire.requests.filter((r) => r.path === '/api/v2/organizations/show_many.json').length).toBeGreaterThan(0);
    expect(wire.requests.filter((r) => r.path === `/api/v2/organizations/${org.id}.json`)).toHaveLength(0);
  });

  it('reads a ticket as a case with its number, subject, labels and the requester and organization by name (c, g)', async () => {
    const expected = {
      role: 'case',
      typeLabel: 'Ticket',
      canonical: {
        caseNumber: `#${ticket.id}`,
        subject: `Damaged box ${m}`,
        status: 'New',
        priority: 'High',
        description: 'Crushed',
        person: { ref: { type: 'user', id: person.id }, name: `María García${m}` },
        organization: organizationOf(),
      },
      display: { status: 'New', priority: 'High', requester_id: `María García${m}`, organization_id: `Contoso ${m}`, submitter_id: 'Integration Agent' },
    };
    expect(ticket).toMatchObject(expected);
    expect(await crm.get({ type: 'ticket', id: ticket.id }, opts)).toMatchObject(expected);
    expect((await crm.openCases({ type: 'user', id: person.id }, { signal, limit: 5 }))[0]).toMatchObject(expected);
  });

  it('still reads a record, without the name, when Zendesk refuses the organizations (403), and asks once', async () => {
    const refusing = await startWire();
    try {
      const other = zendeskConnector(refusing);
      const company = await other.create('organization', { name: `Hidden ${m}` }, opts);
      const user = await other.create('user', { name: `Seen ${m}`, organization_id: company.id }, opts);
      refusing.forbid(/^\/api\/v2\/organizations\/show_many\.json$/);
      const fresh = zendeskConnector(refusing); // no names kept from the create
      const read = await fresh.get({ type: 'user', id: user.id }, opts);
      await fresh.get({ type: 'user', id: user.id }, opts);
      expect(read).toMatchObject({ role: 'person', fields: { organization_id: company.id } });
      expect(read!.canonical.organization).toBeUndefined();
      expect(refusing.requests.filter((r) => r.path.endsWith('/organizations/show_many.json'))).toHaveLength(2); // the create's, then one refused
    } finally {
      await refusing.close();
    }
  });

  it('reads names one by one where show_many is missing (404), as a gateway in front of Zendesk may answer', async () => {
    const partial = await startWire();
    try {
      const other = zendeskConnector(partial);
      const company = await other.create('organization', { name: `Gateway ${m}` }, opts);
      const user = await other.create('user', { name: `Behind ${m}`, organization_id: company.id }, opts);
      partial.failNext(404, { path: /show_many/, times: 2 });
      const read = await zendeskConnector(partial).get({ type: 'user', id: user.id }, opts);
      expect(read!.canonical.organization).toEqual({ ref: { type: 'organization', id: company.id }, name: `Gateway ${m}` });
    } finally {
      await partial.close();
    }
  });

  it('shows a custom ticket status by its agent label, and the default one of a status set directly', async () => {
    const working = await crm.update({ type: 'ticket', id: ticket.id }, { status: 'Working' }, opts);
    expect(working).toMatchObject({ canonical: { status: 'Working' }, display: { status: 'Working' }, fields: { status: 'open' } });
    const pending = await crm.update({ type: 'ticket', id: ticket.id }, { status: 'pending' }, opts);
    expect(pending).toMatchObject({ canonical: { status: 'Pending' }, display: { status: 'Pending' } });
  });

  it('dates activities by the interaction, describes them, and lists them newest first by that date (a, d)', async () => {
    const log = (key: string, at: string, regarding = { type: 'ticket', id: ticket.id }) =>
      crm.logActivity({ key, regarding, subject: `Call ${key}`, description: `Notes of ${key}`, at, fields: { interactionId: key } }, opts);
    const later = await log(`${m}-later`, '2026-03-04T10:20:30.000Z');
    const earlier = await log(`${m}-earlier`, '2026-03-01T08:00:00.000Z');
    expect(later.record).toMatchObject({
      role: 'activity',
      typeLabel: 'Internal note',
      canonical: { activityDate: '2026-03-04T10:20:30.000Z', subject: `Call ${m}-later`, description: expect.stringContaining(`Notes of ${m}-later`) },
    });
    const listed = await crm.listActivities({ type: 'ticket', id: ticket.id }, { signal, limit: 10 });
    expect(listed.every((r) => r.role === 'activity')).toBe(true);
    // The ticket's own first comment was written now: it is the newest.
    expect(listed.map((r) => r.id).slice(1)).toEqual([later.record.id, earlier.record.id]);
    expect(listed[2]!.canonical).toMatchObject({ activityDate: '2026-03-01T08:00:00.000Z', description: expect.stringContaining(`Notes of ${m}-earlier`) });

    const onUser = await log(`${m}-user`, '2026-03-04T10:20:30.000Z', { type: 'user', id: person.id });
    const mine = await crm.listActivities({ type: 'user', id: person.id }, { signal, limit: 10 });
    expect(mine).toEqual([onUser.record]);
    expect(onUser.record).toMatchObject({
      type: 'ticket',
      role: 'activity',
      canonical: { activityDate: '2026-03-04T10:20:30.000Z', description: expect.stringContaining(`Notes of ${m}-user`), person: { ref: { id: person.id } } },
    });
  });

  it('describes users and tickets from the field APIs, with Zendesk’s labels, kinds, writability and choices (e)', async () => {
    const user = await crm.describe('user', opts);
    expect(user.label).toBe('User');
    expect(user.fields).toMatchObject({
      name: { label: 'Name', kind: 'text', writable: true },
      email: { label: 'Email', kind: 'email', writable: true },
      phone: { label: 'Phone', kind: 'phone', writable: true },
      mobile_phone: { label: 'mobile_phone', kind: 'phone', writable: true },
      lead_email: { kind: 'email' },
      organization_id: { label: 'Organization', kind: 'reference', writable: true },
      created_at: { label: 'Created', kind: 'datetime', writable: false },
      last_login_at: { writable: false },
      last_call_at: { label: 'Last call', kind: 'date' },
      vip: { label: 'VIP', kind: 'boolean' },
      tier: {
        label: 'Tier',
        kind: 'choice',
        choices: [
          { value: 'gold', label: 'Gold' },
          { value: 'silver', label: 'Silver' },
        ],
      },
    });
    expect(user.fields).not.toHaveProperty('url');

    const ticketType = await crm.describe('ticket', opts);
    expect(ticketType.label).toBe('Ticket');
    expect(ticketType.fields.priority).toEqual({
      label: 'Priority',
      kind: 'choice',
      writable: true,
      choices: [
        { value: 'low', label: 'Low' },
        { value: 'normal', label: 'Normal' },
        { value: 'high', label: 'High' },
        { value: 'urgent', label: 'Urgent' },
      ],
      defaultValue: 'normal',
    });
    expect(ticketType.fields).toMatchObject({
      subject: { label: 'Subject', writable: true },
      description: { label: 'Description', writable: false },
      status: { label: 'Status', kind: 'choice' },
      requester_id: { label: 'Requester', kind: 'reference' },
      [`custom_field_${wire.ticketFieldId('Call ID')}`]: { label: 'Call ID', kind: 'text', writable: true },
    });
    expect((await crm.describe('organization', opts)).fields.phone).toMatchObject({ kind: 'phone' });
    await expect(crm.describe('NoSuchType', opts)).rejects.toMatchObject({ name: 'CrmError', status: 404 });
  });

  it('searches names by Zendesk’s word rules: every word, as a prefix, in any case and with or without accents (f)', async () => {
    const plain = await crm.create('user', { name: `Jose Nunez${m}` }, opts);
    const before = wire.searchQueries().length;
    for (const text of [`GARCÍA${m}`, `María`, `mar garc`]) {
      const { records } = await crm.searchText(text, ['person'], { signal, limit: 50 });
      expect(
        records.map((r) => r.id),
        text,
      ).toContain(person.id);
    }
    // Typed with accents, stored without: the folded words find it. (Stored with accents and typed without
    // is up to Zendesk's index, whose folding its documentation does not promise.)
    expect((await crm.searchText(`NÚÑEZ${m}`, ['person'], { signal, limit: 5 })).records.map((r) => r.id)).toEqual([plain.id]);
    const sent = wire.searchQueries().slice(before);
    expect(sent).toContain(`type:user name:garcía${m}*`);
    expect(sent).toContain(`type:user name:nunez${m}*`);
    expect(sent).toContain('type:user name:mar* name:garc*');
    expect(sent.every((q) => q.trim() !== 'type:user')).toBe(true);
    expect((await crm.searchText(`contoso ${m}`, ['organization'], { signal, limit: 5 })).records.map((r) => r.id)).toEqual([org.id]);
    expect((await crm.searchText(`${m}@example.com`, ['person'], { signal, limit: 5 })).records.map((r) => r.id)).toEqual([person.id]);
    // Words only: quotes and operators typed in the box never reach the query.
    expect(await crm.searchText(`"type:organization" -name:*`, ['person'], { signal, limit: 5 })).toEqual({ records: [], refused: [] });
    expect(
      wire
        .searchQueries()
        .slice(before)
        .every((q) => !q.includes('"type') && !q.includes('-name')),
    ).toBe(true);
  });

  it('sends the words of a Custom Search "contains" as Zendesk prefixes, so a name search stays narrow (issue 13)', async () => {
    const narrow = zendeskConnector(wire, { config: { maxScan: 4 } });
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await crm.create('user', { name: `Wide${m} Garcia${i}` }, opts));
    const before = wire.searchQueries().length;
    const found = await narrow.query('user', parseFilter(`name contains "Garcia3"`), { signal, limit: 5 });
    expect(found.map((r) => r.id)).toEqual([made[3]!.id]);
    expect(wire.searchQueries().slice(before)).toEqual(['type:user name:garcia3*']);
  });

  it('finds a ticket by its number, with or without #, and keeps the others’ records when one type is refused (f)', async () => {
    for (const text of [`#${ticket.id}`, ticket.id]) {
      const { records } = await crm.searchText(text, ['case'], { signal, limit: 5 });
      expect(
        records.map((r) => r.id),
        text,
      ).toEqual([ticket.id]);
    }
    const refusing = await startWire();
    try {
      const other = zendeskConnector(refusing);
      const user = await other.create('user', { name: `Refusal ${m}` }, opts);
      refusing.forbid(/\/search\.json$/, /type:ticket/);
      const { records, refused } = await other.searchText(`refusal ${m}`, ['person', 'case'], { signal, limit: 5 });
      expect(records.map((r) => r.id)).toEqual([user.id]);
      expect(refused).toEqual([{ type: 'ticket', reason: expect.stringMatching(/^Zendesk refused to search tickets \(HTTP 403\)/) }]);
      refusing.forbid(/\/tickets\/\d+\.json$/);
      expect((await other.searchText('#123', ['case'], { signal, limit: 5 })).refused.map((r) => r.type)).toEqual(['ticket']);
    } finally {
      await refusing.close();
    }
  });

  it('writes nothing and says so when no memorialization mapping covers a ticket (issue 16)', async () => {
    const parsed = parseCrmConfigurations(
      JSON.stringify({
        configurations: [
          {
            id: 'zendesk',
            name: 'Zendesk Support',
            connector: { type: 'embedded' },
            workflows: [{ id: 'memorialize', name: 'Data Memorialization', kind: 'memorialization' }],
            memorializationMappings: [{ source: 'agent.name', target: 'last_agent', recordTypes: ['user'] }],
          },
        ],
      }),
      'test',
    );
    const zendesk = { type: 'zendesk', instanceUrl: wire.url, auth: { kind: 'api-token', email: AGENT_EMAIL, apiTokenEnv: TOKEN_ENV } };
    parsed.configurations[0]!.connector = zendesk as unknown as CrmConfiguration['connector'];
    const engine = new WorkflowEngine({ configurations: parsed, connectorFor: () => crm, logger: pino({ level: 'silent' }), defaultRegion: 'US' });
    const writes = () => wire.requests.filter((r) => r.method === 'PUT').length;
    const before = writes();
    const interaction = {
      id: `int-${m}`,
      ani: '+12065550142',
      channel: 'voice',
      startedAt: '2026-03-14T09:20:00.000Z',
      endedAt: '2026-03-14T09:30:00.000Z',
      durationSeconds: 600,
      disposition: 'Resolved',
      notes: null,
    };
    const workflowInput = { regarding: { entity: 'ticket', id: ticket.id }, interaction, agent: { id: 'agent-7', name: 'Alex Agent' } };
    const result = await engine.execute({ configurationId: 'zendesk', workflowId: 'memorialize', payload: JSON.stringify({ workflowInput }) });
    expect(result).toMatchObject({ branch: 'Success', resultSet: { record: null, fields: {} } });
    expect(writes()).toBe(before);
  });
});
