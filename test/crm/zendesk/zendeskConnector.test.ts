import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/crm/filter.js';
import { CrmError, type ActivityInput, type CrmConnector } from '../../../src/crm/port.js';
import type { CrmRecord, RecordRef } from '../../../src/domain/crmRecord.js';
import { describeConnectorContract, seedThroughPort } from '../connectorContract.js';
import { refuseSearchOf, startWire, ZENDESK_NAMES, zendeskConnector } from './harness.js';
import { parseQuery, type ZendeskWireServer } from './wireServer.js';

const signal = new AbortController().signal;
const opts = { signal };
const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();
let uniq = 0;
const tag = () => `t${Date.now().toString(36)}${uniq++}`;
/** Filter text for a value, quoted with the grammar's escapes. */
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

describeConnectorContract('Zendesk (local wire server)', async () => {
  const wire = await startWire();
  const connector = zendeskConnector(wire);
  const setup = {
    connector,
    seed: seedThroughPort(connector, ZENDESK_NAMES),
    names: ZENDESK_NAMES,
    refuseSearchOf: (type: string) => refuseSearchOf(wire, type),
    dispose: () => wire.close(),
  };
  return setup;
});

describe('Zendesk connector', () => {
  let wire: ZendeskWireServer;
  let crm: CrmConnector;

  beforeAll(async () => {
    wire = await startWire();
    crm = zendeskConnector(wire);
  });
  afterAll(async () => {
    await wire?.close();
  });

  describe('no query injection', () => {
    /** Every query sent holds only these clauses: no operator, keyword or free text came from user text. */
    const expectOnlyClauses = (from: number, keywords: string[]) => {
      for (const query of wire.searchQueries().slice(from)) {
        const clauses = parseQuery(query);
        expect(
          clauses.every((c) => c.keyword !== null && keywords.includes(c.keyword)),
          query,
        ).toBe(true);
        expect((query.match(/"/g) ?? []).length % 2, query).toBe(0);
      }
    };

    it('finds exactly the literal name for text full of the query language’s quotes, operators and wildcards', async () => {
      const m = tag();
      const nasty = [
        `${m} Quinn "type:organization" x`,
        `${m} Rae -name:${m} OR name:*`,
        `${m} Sam \\" OR \\\\ status<solved`,
        `${m} Tia * *`,
        `${m} Uma name:"${m} Vic"`,
        `${m} Vic`,
        `${m} 42 -42 *42 "42"`,
      ];
      const made = [];
      for (const name of nasty) made.push(await crm.create('user', { name }, opts));
      await crm.create('organization', { name: `${m} Quinn org` }, opts);
      const before = wire.searchQueries().length;
      for (const [i, name] of nasty.entries()) {
        expect(ids(await crm.query('user', parseFilter(`name = ${quote(name)}`), { signal, limit: 50 })), name).toEqual([made[i]!.id]);
      }
      // contains / startswith with operators inside the value: literal, never an operator.
      expect(ids(await crm.query('user', parseFilter(`name contains ${quote('"type:organization"')}`), { signal, limit: 50 }))).toEqual([made[0]!.id]);
      expect(ids(await crm.query('user', parseFilter(`name contains ${quote(`-name:${m} OR`)}`), { signal, limit: 50 }))).toEqual([made[1]!.id]);
      expect(ids(await crm.query('user', parseFilter(`name startswith ${quote(`${m} Tia *`)}`), { signal, limit: 50 }))).toEqual([made[3]!.id]);
      expect(await crm.query('user', parseFilter(`name = ${quote(`${m} *`)}`), { signal, limit: 50 })).toEqual([]);
      expect(await crm.query('user', parseFilter(`name startswith ${quote(`${m} Vi*`)}`), { signal, limit: 50 })).toEqual([]);
      expectOnlyClauses(before, ['type', 'name']);
    });

    it('treats ids and numbers with operators in them as what they are: no record, no error', async () => {
      const m = tag();
      const user = await crm.create('user', { name: `${m} Ids` }, opts);
      const ticket = await crm.create('ticket', { subject: `${m} numbered`, requester_id: user.id }, opts);
      const before = wire.searchQueries().length;
      const none = [`requester_id = "${user.id} -status:closed"`, `requester_id = "${user.id} OR 1"`, `id = "${ticket.id} OR id:1"`, `id = "*"`];
      for (const filter of none) expect(await crm.query('ticket', parseFilter(filter), { signal, limit: 10 }), filter).toEqual([]);
      expect(ids(await crm.query('ticket', parseFilter(`requester_id = ${quote(user.id)}`), { signal, limit: 10 }))).toEqual([ticket.id]);
      expect(ids(await crm.query('ticket', parseFilter(`id = ${ticket.id}`), { signal, limit: 10 }))).toEqual([ticket.id]);
      expectOnlyClauses(before, ['type', 'requester_id']);
    });

    it('sends an ANI as digits only, and finds the one caller', async () => {
      const caller = await crm.create('user', { name: `${tag()} Caller type:organization`, phone: '+1 (415) 555-0100' }, opts);
      await crm.create('user', { name: `${tag()} Near`, phone: '+1 (415) 555-0101' }, opts);
      const before = wire.searchQueries().length;
      expect(ids(await crm.findByPhone('+14155550100', opts))).toEqual([caller.id]);
      for (const query of wire.searchQueries().slice(before)) expect(query).toMatch(/^type:(user|organization) [a-z_]+:\*\d+$/);
      expect(await crm.findByPhone('+1415555010" OR type:user', opts)).toEqual([]);
    });

    it('quotes an email, and finds nobody for one that cannot be quoted', async () => {
      const m = tag();
      const user = await crm.create('user', { name: `${m} Mail`, email: `${m}.mail@example.com` }, opts);
      expect(ids(await crm.findByEmail(`${m.toUpperCase()}.MAIL@example.com`, opts))).toEqual([user.id]);
      const before = wire.searchQueries().length;
      expect(await crm.findByEmail(`${m}.mail@example.com" type:user`, opts)).toEqual([]);
      expect(await crm.findByEmail(`*@example.com`, opts)).toEqual([]);
      expect(wire.searchQueries().length).toBe(before);
    });
  });

  describe('search', () => {
    it('follows next_page through small pages', async () => {
      const m = tag();
      const made = [];
      for (let i = 0; i < 8; i++) made.push(await crm.create('organization', { name: `${m} Paged ${i}` }, opts));
      const before = wire.requests.length;
      const found = await crm.query('organization', parseFilter(`name startswith ${quote(`${m} paged`)}`), { signal, limit: 50 });
      expect(ids(found)).toEqual(ids(made));
      const pages = wire.requests.slice(before).filter((r) => r.path === '/api/v2/search.json');
      expect(pages.length).toBeGreaterThanOrEqual(3); // 8 results, 3 a page
    });

    it('finds a user by a secondary phone identity, and users by a custom phone field', async () => {
      const m = tag();
      const user = await crm.create('user', { name: `${m} Two phones`, phone: '+1 503 555 0110' }, opts);
      wire.addPhoneIdentity(user.id, '(503) 555-0111');
      const other = await crm.create('user', { name: `${m} Home`, home_phone: '503.555.0111' }, opts);
      expect(ids(await crm.findByPhone('+15035550111', opts))).toEqual(ids([user, other]));
    });

    it('refuses a field Zendesk cannot search, and too many "or" alternatives, as filter errors', async () => {
      const unknown = crm.query('user', parseFilter('favourite_color = "blue"'), { signal, limit: 5 });
      await expect(unknown).rejects.toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining('favourite_color') } });
      const many = Array.from({ length: 9 }, (_, i) => `name = "n${i}"`).join(' or ');
      await expect(crm.query('user', parseFilter(many), { signal, limit: 5 })).rejects.toMatchObject({
        status: 400,
        fieldErrors: { filter: expect.stringContaining('at most 8') },
      });
      await expect(crm.query('lead', null, { signal, limit: 5 })).rejects.toMatchObject({ status: 400, fieldErrors: { entity: expect.any(String) } });
    });

    it('says a filter is too broad rather than answer from part of the results', async () => {
      const narrow = zendeskConnector(wire, { config: { maxScan: 4 } });
      const m = tag();
      for (let i = 0; i < 6; i++) await crm.create('organization', { name: `${m}x${i} Broad` }, opts);
      // A value with no word Zendesk can search ("x!" is no word, nor the start of one): every organization is read.
      const broad = narrow.query('organization', parseFilter(`name contains "x!"`), { signal, limit: 5 });
      await expect(broad).rejects.toMatchObject({ status: 400, fieldErrors: { filter: expect.stringContaining('at most 4') } });
    });

    it('translates statuses, priorities and dates into Zendesk ranges, and checks them exactly', async () => {
      const m = tag();
      const user = await crm.create('user', { name: `${m} Ranges` }, opts);
      const low = await crm.create('ticket', { subject: `${m} low`, requester_id: user.id, priority: 'low', status: 'open' }, opts);
      const high = await crm.create('ticket', { subject: `${m} high`, requester_id: user.id, priority: 'High', status: 'pending' }, opts);
      const solved = await crm.create('ticket', { subject: `${m} solved`, requester_id: user.id, priority: 'urgent', status: 'solved' }, opts);
      const mine = `requester_id = ${quote(user.id)}`;
      const q = (f: string) => crm.query('ticket', parseFilter(`${mine} and ${f}`), { signal, limit: 10 });
      expect(ids(await q('status < "solved"'))).toEqual(ids([low, high]));
      expect(ids(await q('priority >= "high"'))).toEqual(ids([high, solved]));
      expect(ids(await q('status <= "pending" and priority > "low"'))).toEqual([high.id]);
      expect(ids(await q(`created_at >= "2000-01-01" and created_at < "2999-01-01"`))).toEqual(ids([low, high, solved]));
      expect(await q(`created_at < "2000-01-01"`)).toEqual([]);
      const sent = wire.searchQueries().slice(-5);
      expect(sent[0]).toContain('status<solved');
      expect(sent[1]).toContain('priority>normal');
    });
  });

  describe('records', () => {
    it('creates a user with custom fields, and changes the primary email through the identities API', async () => {
      const m = tag();
      const user = await crm.create('user', { name: `${m} Ada`, email: `${m}.old@example.com`, title: 'Buyer', vip: 'true' }, opts);
      expect(user.fields).toMatchObject({ name: `${m} Ada`, email: `${m}.old@example.com`, title: 'Buyer', vip: true, role: 'end-user' });
      const updated = await crm.update({ type: 'user', id: user.id }, { email: `${m}.new@example.com`, last_call_at: '2026-03-14T09:30:00Z' }, opts);
      expect(updated.fields).toMatchObject({ email: `${m}.new@example.com`, last_call_at: '2026-03-14', title: 'Buyer' });
      expect(await crm.findByEmail(`${m}.old@example.com`, opts)).toEqual([]);
      const identityCalls = wire.requests.filter((r) => r.path.startsWith(`/api/v2/users/${user.id}/identities`));
      expect(identityCalls.map((r) => r.method)).toEqual(['GET', 'PUT']);
    });

    it('makes a ticket with Zendesk statuses in any case, custom statuses by label, and custom fields by id', async () => {
      const user = await crm.create('user', { name: `${tag()} Requester` }, opts);
      const callField = `custom_field_${wire.ticketFieldId('Call ID')}`;
      const ticket = await crm.create('ticket', { subject: 'Damaged box', description: 'It arrived crushed', status: 'Pending', requester_id: user.id, [callField]: 'call-7' }, opts);
      expect(ticket.fields).toMatchObject({ status: 'pending', description: 'It arrived crushed', requester_id: user.id, [callField]: 'call-7', is_public: false });
      expect(ticket.name).toBe(`#${ticket.id} Damaged box`);
      const working = await crm.update({ type: 'ticket', id: ticket.id }, { status: 'working' }, opts);
      expect(working.fields.status).toBe('open');
      expect(working.fields.custom_status_id).toEqual(expect.any(String));
    });

    it('reports field problems by Zendesk field, from Zendesk and before sending', async () => {
      const m = tag();
      await crm.create('user', { name: `${m} First`, email: `${m}@example.com` }, opts);
      await expect(crm.create('user', { name: `${m} Second`, email: `${m}@example.com` }, opts)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { email: `Email: ${m}@example.com is already being used by another user` },
      });
      await crm.create('organization', { name: `${m} Org` }, opts);
      await expect(crm.create('organization', { name: `${m} Org` }, opts)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { name: 'Name: has already been taken' },
      });
      const before = wire.requests.length;
      const local = crm.create('ticket', { subject: 'x', status: 'Escalated', priority: 'extreme', created_at: '2020-01-01', favourite_color: 'blue' }, opts);
      await expect(local).rejects.toBeInstanceOf(CrmError);
      await expect(local).rejects.toMatchObject({
        status: 400,
        fieldErrors: {
          status: expect.stringContaining('"Escalated" is not a Zendesk ticket status'),
          priority: 'must be one of low, normal, high, urgent',
          created_at: 'is read-only in Zendesk',
          favourite_color: expect.stringContaining('is not a field of a Zendesk ticket'),
        },
      });
      expect(wire.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    });

    it('gives a ticket comment no edit: the description is the first comment', async () => {
      const user = await crm.create('user', { name: `${tag()} D` }, opts);
      const ticket = await crm.create('ticket', { subject: 'S', requester_id: user.id }, opts);
      await expect(crm.update({ type: 'ticket', id: ticket.id }, { description: 'new' }, opts)).rejects.toMatchObject({
        fieldErrors: { description: expect.stringContaining('first comment') },
      });
    });

    it('lists a user’s open tickets newest first, not the solved ones', async () => {
      const user = await crm.create('user', { name: `${tag()} Open cases` }, opts);
      const older = await crm.create('ticket', { subject: 'older', requester_id: user.id, status: 'open' }, opts);
      await crm.create('ticket', { subject: 'done', requester_id: user.id, status: 'solved' }, opts);
      const newer = await crm.create('ticket', { subject: 'newer', requester_id: user.id, status: 'hold' }, opts);
      await crm.create('ticket', { subject: 'closed', requester_id: user.id, status: 'closed' }, opts);
      expect((await crm.openCases({ type: 'user', id: user.id }, { signal, limit: 10 })).map((r) => r.id)).toEqual([newer.id, older.id]);
      expect((await crm.openCases({ type: 'user', id: user.id }, { signal, limit: 1 })).map((r) => r.id)).toEqual([newer.id]);
      expect(await crm.openCases({ type: 'ticket', id: older.id }, { signal, limit: 10 })).toEqual([]);
    });
  });

  describe('timeline', () => {
    const activity = (regarding: RecordRef, key: string): ActivityInput => ({
      key,
      regarding: { type: regarding.type, id: regarding.id },
      subject: 'Inbound call +1 206 555 0142',
      description: 'Agent: Alex\nNotes: wants a refund',
      at: '2026-03-04T10:20:30.000Z',
      fields: { interactionId: key, disposition: 'Resolved' },
    });

    it('adds one private note to a ticket, whatever the retries', async () => {
      const user = await crm.create('user', { name: `${tag()} Ticket note` }, opts);
      const ticket = await crm.create('ticket', { subject: 'Refund', requester_id: user.id }, opts);
      const key = `${tag()}:ticket`;
      const first = await crm.logActivity(activity(ticket, key), opts);
      const again = await crm.logActivity(activity(ticket, key), opts);
      expect(first).toMatchObject({ created: true, record: { type: 'ticket_comment', fields: { public: false, ticket_id: ticket.id } } });
      expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
      const notes = wire.commentsOf(ticket.id).filter((c) => String(c.body).includes('wants a refund'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ public: false });
      // Dated by the call (2026-03-04), the note comes after the ticket's own first comment (written now).
      const listed = await crm.listActivities({ type: 'ticket', id: ticket.id }, { signal, limit: 10 });
      expect(listed.map((r) => r.id)).toEqual([expect.any(String), first.record.id]);
      expect(listed[1]!.canonical.activityDate).toBe('2026-03-04T10:20:30.000Z');
    });

    it('writes one note when two processes race on one ticket (Zendesk safe_update)', async () => {
      const user = await crm.create('user', { name: `${tag()} Race ticket` }, opts);
      const ticket = await crm.create('ticket', { subject: 'Race', requester_id: user.id }, opts);
      const other = zendeskConnector(wire);
      const key = `${tag()}:race`;
      const results = await Promise.all([crm.logActivity(activity(ticket, key), opts), other.logActivity(activity(ticket, key), opts)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
      expect(wire.commentsOf(ticket.id).filter((c) => String(c.body).includes('wants a refund'))).toHaveLength(1);
    });

    it('files a call on a user as a solved ticket with a private note, once, even across processes', async () => {
      const user = await crm.create('user', { name: `${tag()} Caller` }, opts);
      const key = `${tag()}:user`;
      const other = zendeskConnector(wire);
      const results = await Promise.all([crm.logActivity(activity(user, key), opts), other.logActivity(activity(user, key), opts)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
      const record = results[0]!.record;
      expect(record).toMatchObject({
        type: 'ticket',
        fields: { status: 'solved', requester_id: user.id, assignee_id: String(wire.agentId), tags: 'customer_card_timeline', is_public: false },
      });
      expect(String(record.fields.external_id)).toMatch(/^customer-card:[0-9a-f]{40}$/);
      expect((await crm.listActivities({ type: 'user', id: user.id }, { signal, limit: 10 })).map((r) => r.id)).toEqual([record.id]);
    });

    it('has no timeline on an organization, and 404 for a missing record', async () => {
      const org = await crm.create('organization', { name: `${tag()} Org timeline` }, opts);
      await expect(crm.logActivity(activity(org, tag()), opts)).rejects.toMatchObject({ status: 400, fieldErrors: { regarding: expect.any(String) } });
      await expect(crm.logActivity(activity({ type: 'user', id: '999999' }, tag()), opts)).rejects.toMatchObject({ status: 404 });
    });
  });
});
