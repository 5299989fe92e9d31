import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, FieldValue } from '../../src/domain/crmRecord.js';
import { parseFilter, type FilterExpr } from '../../src/crm/filter.js';
import { CrmError, type ActivityInput, type CrmConnector } from '../../src/crm/port.js';
import { describeCanonicalContract } from './connectorContractCanonical.js';

/**
 * The contract of the CrmConnector port (src/crm/port.ts), as tests. Every adapter runs it: the embedded
 * CRM on each store backend, and each CRM adapter against its local wire server. The suite assumes nothing
 * of the adapter: it writes what it needs through the port's own `create` (via `seed`), in the CRM's own
 * names (via `names`), and it keeps each test's data apart with a marker of its own, so it can share one
 * CRM with other data in it.
 */

/** The record types the suite writes, under the names the embedded CRM gives them. */
export type ContractType = 'account' | 'contact' | 'lead' | 'case';

/** The fields the suite writes and filters on, under the names the embedded CRM gives them. */
export type ContractField =
  | 'name'
  | 'firstName'
  | 'lastName'
  | 'company'
  | 'title'
  | 'phone'
  | 'mobilePhone'
  | 'homePhone'
  | 'email'
  | 'subject'
  | 'status'
  | 'caseNumber'
  | 'contactId'
  | 'accountId'
  | 'priority'
  | 'description';

export type ContractFields = Partial<Record<ContractField, FieldValue>>;

/** How a CRM names the suite's types and fields; a name left out is the same in that CRM. */
export interface ContractNames {
  types?: Partial<Record<ContractType, string>>;
  fields?: Partial<Record<ContractType, Partial<Record<ContractField, string>>>>;
  /** A derived, read-only field of each type (describe must say writable: false), by the CRM's name. */
  readOnly?: Partial<Record<ContractType, string>>;
  /**
   * The role a suite type has in this CRM where it is not the usual one: a CRM with no leads (ServiceNow,
   * Zendesk) keeps the suite's leads as people (consumers, end users), so they read as 'person'.
   */
  roles?: Partial<Record<ContractType, 'person' | 'organization' | 'lead' | 'case'>>;
}

export interface ConnectorContractSetup {
  connector: CrmConnector;
  /** Writes one record the suite needs, through the port's own create (see seedThroughPort). */
  seed(type: ContractType, fields: ContractFields): Promise<CrmRecord>;
  /** The CRM's own names for the suite's types and fields; identity when omitted. */
  names?: ContractNames;
  /**
   * Makes the CRM refuse (403, a missing permission) searches of one type until the returned function is
   * called; left out by a CRM with no permissions to refuse (the embedded CRM): that test is skipped.
   */
  refuseSearchOf?(type: ContractType): Promise<() => Promise<void>>;
  dispose(): Promise<void>;
}

/** The CRM's name of a suite type, and of a field of that type. */
export function namer(names: ContractNames = {}) {
  return {
    type: (type: ContractType) => names.types?.[type] ?? type,
    field: (type: ContractType, field: ContractField) => names.fields?.[type]?.[field] ?? field,
  };
}

/** The usual `seed`: renames the fields to the CRM's names and calls the port's create. */
export function seedThroughPort(connector: CrmConnector, names?: ContractNames): ConnectorContractSetup['seed'] {
  const name = namer(names);
  return (type, fields) =>
    connector.create(name.type(type), Object.fromEntries(Object.entries(fields).map(([field, value]) => [name.field(type, field as ContractField), value])), { signal: new AbortController().signal });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** US area codes the suite's phone numbers use; numbers are in the fictional 555-01xx range. */
const AREAS = ['206', '253', '360', '425', '509', '503', '541', '971', '208', '406'];

export function describeConnectorContract(name: string, setup: () => Promise<ConnectorContractSetup>): void {
  describe(`CrmConnector contract: ${name}`, () => {
    let crm: ConnectorContractSetup;
    let n: ReturnType<typeof namer>;
    const signal = new AbortController().signal;
    const opts = { signal };
    // Per-run markers keep this run's records apart from whatever else the CRM holds.
    const runMarker = `ct${randomBytes(4).toString('hex')}`;
    const area = AREAS[randomBytes(1)[0]! % AREAS.length]!;
    let nextPhone = 0;
    /** A phone number of this run, as ten digits (never 555-0199: see `unknownPhone`). */
    const phoneDigits = () => {
      if (nextPhone >= 99) throw new Error('the contract suite ran out of phone numbers');
      return `${area}55501${String(nextPhone++).padStart(2, '0')}`;
    };
    const unknownPhone = `+1${area}5550199`;
    let markerCount = 0;
    const marker = () => `${runMarker}x${markerCount++}`;

    beforeAll(async () => {
      crm = await setup();
      n = namer(crm.names);
    });
    afterAll(async () => {
      await crm?.dispose();
    });

    const field = (record: CrmRecord, type: ContractType, f: ContractField) => record.fields[n.field(type, f)];
    const query = (type: ContractType, filter: string, limit = 50) => crm.connector.query(n.type(type), parseFilter(filter), { signal, limit });
    const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();
    /** Filter text for a value: quoted with the grammar's escapes. */
    const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
    // Each activity a day after the one before, so "newest first" holds where a CRM keeps only the date.
    let activityDay = 0;
    const activity = (regarding: CrmRecord, key: string, subject = `Call ${key}`): ActivityInput => ({
      key,
      regarding: { type: regarding.type, id: regarding.id },
      subject,
      description: `Description of ${subject}`,
      at: new Date(Date.UTC(2026, 0, 1, 12) + 86_400_000 * activityDay++).toISOString(),
      fields: { interactionId: key },
    });

    describe('findByPhone', () => {
      it('finds accounts, contacts and leads by any phone field however the number was written', async () => {
        const [d1, d2, d3, d4] = [phoneDigits(), phoneDigits(), phoneDigits(), phoneDigits()];
        const fmt = (d: string) => ({ area: d.slice(0, 3), mid: d.slice(3, 6), end: d.slice(6) });
        const a = fmt(d1);
        const b = fmt(d2);
        const c = fmt(d3);
        const e = fmt(d4);
        const m = marker();
        const account = await crm.seed('account', { name: `Account ${m}`, phone: `(${a.area}) ${a.mid}-${a.end}` });
        const mobile = await crm.seed('contact', { lastName: `Mobile ${m}`, mobilePhone: `+1 ${b.area}.${b.mid}.${b.end}` });
        const home = await crm.seed('contact', { lastName: `Home ${m}`, homePhone: `${c.area}-${c.mid}-${c.end}` });
        const lead = await crm.seed('lead', { lastName: `Lead ${m}`, company: `Co ${m}`, phone: `+1 (${e.area}) ${e.mid} ${e.end}` });

        expect(ids(await crm.connector.findByPhone(`+1${d1}`, opts))).toEqual([account.id]);
        expect(ids(await crm.connector.findByPhone(`+1${d2}`, opts))).toEqual([mobile.id]);
        expect(ids(await crm.connector.findByPhone(`+1${d3}`, opts))).toEqual([home.id]);
        expect(ids(await crm.connector.findByPhone(`+1${d4}`, opts))).toEqual([lead.id]);
        const found = (await crm.connector.findByPhone(`+1${d1}`, opts))[0]!;
        expect(found.type).toBe(n.type('account'));
        expect(found.name).toContain(m);
      });

      it('finds every record that shares a number, whatever its type', async () => {
        const digits = phoneDigits();
        const m = marker();
        const account = await crm.seed('account', { name: `Household ${m}`, phone: `+1${digits}` });
        const first = await crm.seed('contact', { lastName: `First ${m}`, homePhone: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` });
        const second = await crm.seed('contact', { lastName: `Second ${m}`, mobilePhone: digits });
        await crm.seed('case', { subject: `Not a phone holder ${m}`, contactId: first.id });

        const found = await crm.connector.findByPhone(`+1${digits}`, opts);
        expect(ids(found)).toEqual(ids([account, first, second]));
      });

      it('returns [] for a number nobody has', async () => {
        expect(await crm.connector.findByPhone(unknownPhone, opts)).toEqual([]);
      });
    });

    describe('findByEmail', () => {
      it('finds contacts and leads by email without regard to case', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Mail ${m}`, email: `Mixed.Case.${m}@Example.COM` });
        const lead = await crm.seed('lead', { lastName: `Mail ${m}`, company: `Co ${m}`, email: `mixed.case.${m}@example.com` });
        await crm.seed('contact', { lastName: `Other ${m}`, email: `other.${m}@example.com` });

        expect(ids(await crm.connector.findByEmail(`mixed.case.${m}@example.com`, opts))).toEqual(ids([contact, lead]));
        expect(ids(await crm.connector.findByEmail(`MIXED.CASE.${m.toUpperCase()}@EXAMPLE.COM`, opts))).toEqual(ids([contact, lead]));
      });

      it('returns [] for an address nobody has, including a near miss', async () => {
        const m = marker();
        await crm.seed('contact', { lastName: `Mail ${m}`, email: `near.${m}@example.com` });
        expect(await crm.connector.findByEmail(`nobody.${m}@example.com`, opts)).toEqual([]);
        expect(await crm.connector.findByEmail(`near.${m}@example.co`, opts)).toEqual([]);
      });
    });

    describe('query', () => {
      it('finds a case by its case number, and only that case', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Caller ${m}` });
        const wanted = await crm.seed('case', { subject: `Wanted ${m}`, contactId: contact.id });
        await crm.seed('case', { subject: `Other ${m}`, contactId: contact.id });
        const caseNumber = field(wanted, 'case', 'caseNumber');
        expect(typeof caseNumber).toBe('string');

        const found = await query('case', `${n.field('case', 'caseNumber')} = ${quote(String(caseNumber))}`);
        expect(ids(found)).toEqual([wanted.id]);
        expect(found[0]!.type).toBe(n.type('case'));
      });

      it('finds records by a reference to another record, combined with and / or', async () => {
        const m = marker();
        const maria = await crm.seed('contact', { lastName: `Maria ${m}` });
        const chris = await crm.seed('contact', { lastName: `Chris ${m}` });
        const open = await crm.seed('case', { subject: `Open ${m}`, status: 'Working', contactId: maria.id });
        const closed = await crm.seed('case', { subject: `Closed ${m}`, status: 'Closed', contactId: maria.id });
        const chrisCase = await crm.seed('case', { subject: `Chris ${m}`, status: 'New', contactId: chris.id });
        const contactId = n.field('case', 'contactId');
        const status = n.field('case', 'status');

        expect(ids(await query('case', `${contactId} = ${quote(maria.id)}`))).toEqual(ids([open, closed]));
        expect(ids(await query('case', `${contactId} = ${quote(maria.id)} and ${status} != "Closed"`))).toEqual([open.id]);
        expect(ids(await query('case', `${contactId} = ${quote(maria.id)} and ${status} = "closed"`))).toEqual([closed.id]);
        expect(ids(await query('case', `${contactId} = ${quote(maria.id)} or ${contactId} = ${quote(chris.id)}`))).toEqual(ids([open, closed, chrisCase]));
        expect(ids(await query('case', `(${contactId} = ${quote(maria.id)} or ${contactId} = ${quote(chris.id)}) and ${status} != "Closed"`))).toEqual(ids([open, chrisCase]));
      });

      it('finds records whose name contains a text, without regard to case, of the asked type only', async () => {
        const m = marker();
        const one = await crm.seed('account', { name: `Northwind ${m} One` });
        const two = await crm.seed('account', { name: `Northwind ${m} Two` });
        await crm.seed('account', { name: `Fabrikam ${m}` });
        await crm.seed('lead', { lastName: `Northwind ${m}`, company: `Northwind ${m}` });

        expect(ids(await query('account', `${n.field('account', 'name')} contains ${quote(`NORTHWIND ${m.toUpperCase()}`)}`))).toEqual(ids([one, two]));
        expect(ids(await query('account', `${n.field('account', 'name')} startswith ${quote(`fabrikam ${m}`)}`))).toHaveLength(1);
      });

      it('returns at most `limit` records', async () => {
        const m = marker();
        for (let i = 0; i < 5; i++) await crm.seed('account', { name: `Limited ${m} ${i}` });
        const filter = `${n.field('account', 'name')} contains ${quote(m)}`;
        expect(await query('account', filter, 50)).toHaveLength(5);
        expect(await query('account', filter, 3)).toHaveLength(3);
        expect(await query('account', filter, 1)).toHaveLength(1);
      });

      it('returns [] when nothing matches', async () => {
        expect(await query('account', `${n.field('account', 'name')} = ${quote(`nothing ${marker()}`)}`)).toEqual([]);
      });

      it('finds exactly the literal record for user text full of quotes, backslashes, %, _ and *', async () => {
        const m = marker();
        const literal = `${m} O'Brien "Bob" \\ 100% a_b *x*`;
        const wanted = await crm.seed('contact', { lastName: literal });
        // Records a wildcard or an escaping slip would also find.
        const decoys = [
          `${m} O'Brien "Bob" \\ 1000 aXb yxy`,
          `${m} O'Brien Bob  100% a_b *x*`,
          `${m} OBrien "Bob" \\ 100% a_b *x*`,
          `${m} O'Brien "Bob" \\\\ 100% a_b *x*`,
          `${m} O'Brien "Bob" \\ 100% a_b *x* and more`,
          `${m} anything`,
        ];
        for (const lastName of decoys) await crm.seed('contact', { lastName });
        const lastName = n.field('contact', 'lastName');

        expect(ids(await query('contact', `${lastName} = ${quote(literal)}`))).toEqual([wanted.id]);
        expect(ids(await query('contact', `${lastName} = ${quote(literal)} and ${lastName} startswith ${quote(m)}`))).toEqual([wanted.id]);
        const containing = await query('contact', `${lastName} contains ${quote(`"Bob" \\ 100% a_b *x*`)} and ${lastName} startswith ${quote(m)}`);
        expect(containing.map((r) => field(r, 'contact', 'lastName')).sort()).toEqual([literal, decoys[2], decoys[4]].sort());
        expect(await query('contact', `${lastName} contains ${quote(`${m} %`)}`)).toEqual([]);
        expect(await query('contact', `${lastName} contains ${quote(`${m} _`)}`)).toEqual([]);
        expect(await query('contact', `${lastName} contains ${quote(`${m} *`)}`)).toEqual([]);
      });
    });

    describe('get', () => {
      it('returns the record it was given the reference of', async () => {
        const created = await crm.seed('contact', { firstName: 'Gail', lastName: `Get ${marker()}` });
        const got = await crm.connector.get({ type: created.type, id: created.id }, opts);
        expect(got).toEqual(created);
      });

      it('returns null for an unknown id, and for a known id under another type', async () => {
        const created = await crm.seed('contact', { lastName: `Get ${marker()}` });
        expect(await crm.connector.get({ type: n.type('contact'), id: `missing-${marker()}` }, opts)).toBeNull();
        expect(await crm.connector.get({ type: n.type('account'), id: created.id }, opts)).toBeNull();
      });
    });

    describe('create', () => {
      it('returns the record with an id of its own, its type, a name and its fields', async () => {
        const m = marker();
        const fields = { firstName: 'Ada', lastName: `Create ${m}`, email: `ada.${m}@example.com`, title: 'Buyer' };
        const record = await crm.connector.create(n.type('contact'), Object.fromEntries(Object.entries(fields).map(([f, v]) => [n.field('contact', f as ContractField), v])), opts);
        expect(record.id).toEqual(expect.any(String));
        expect(record.id).not.toBe('');
        expect(record.type).toBe(n.type('contact'));
        expect(record.name).toContain(`Create ${m}`);
        for (const [f, v] of Object.entries(fields)) expect(field(record, 'contact', f as ContractField)).toBe(v);

        const again = await crm.connector.create(n.type('contact'), { [n.field('contact', 'lastName')]: `Create ${m}` }, opts);
        expect(again.id).not.toBe(record.id);
      });
    });

    describe('update', () => {
      it('merges the given fields into the record and keeps the others', async () => {
        const m = marker();
        const created = await crm.seed('contact', { firstName: 'Uma', lastName: `Update ${m}`, email: `uma.${m}@example.com` });
        const updated = await crm.connector.update({ type: created.type, id: created.id }, { [n.field('contact', 'title')]: 'Head of support', [n.field('contact', 'firstName')]: 'Umeko' }, opts);
        expect(updated.id).toBe(created.id);
        expect(field(updated, 'contact', 'title')).toBe('Head of support');
        expect(field(updated, 'contact', 'firstName')).toBe('Umeko');
        expect(field(updated, 'contact', 'email')).toBe(`uma.${m}@example.com`);
        const got = await crm.connector.get({ type: created.type, id: created.id }, opts);
        expect(got?.fields).toEqual(updated.fields);
      });

      it('moves the record to its new phone number and email', async () => {
        const m = marker();
        const [before, after] = [phoneDigits(), phoneDigits()];
        const created = await crm.seed('contact', { lastName: `Moves ${m}`, mobilePhone: `+1${before}`, email: `old.${m}@example.com` });
        await crm.connector.update({ type: created.type, id: created.id }, { [n.field('contact', 'mobilePhone')]: `+1 ${after}`, [n.field('contact', 'email')]: `new.${m}@example.com` }, opts);
        expect(ids(await crm.connector.findByPhone(`+1${after}`, opts))).toEqual([created.id]);
        expect(await crm.connector.findByPhone(`+1${before}`, opts)).toEqual([]);
        expect(ids(await crm.connector.findByEmail(`new.${m}@example.com`, opts))).toEqual([created.id]);
        expect(await crm.connector.findByEmail(`old.${m}@example.com`, opts)).toEqual([]);
      });

      it('rejects an unknown id with CrmError status 404', async () => {
        const attempt = crm.connector.update({ type: n.type('contact'), id: `missing-${marker()}` }, { [n.field('contact', 'title')]: 'x' }, opts);
        await expect(attempt).rejects.toBeInstanceOf(CrmError);
        await expect(attempt).rejects.toMatchObject({ status: 404 });
      });
    });

    describe('logActivity and listActivities', () => {
      it('writes one activity per key: the second call returns the first with created: false', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Activity ${m}` });
        const first = await crm.connector.logActivity(activity(contact, `${m}-a`), opts);
        const second = await crm.connector.logActivity(activity(contact, `${m}-a`, 'A retried subject'), opts);

        expect(first.created).toBe(true);
        expect(first.record.id).toEqual(expect.any(String));
        expect(second.created).toBe(false);
        expect(second.record.id).toBe(first.record.id);
        const listed = await crm.connector.listActivities({ type: contact.type, id: contact.id }, { signal, limit: 10 });
        expect(ids(listed)).toEqual([first.record.id]);
      });

      it('writes exactly one activity when 10 calls with one key race', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Race ${m}` });
        const results = await Promise.all(Array.from({ length: 10 }, () => crm.connector.logActivity(activity(contact, `${m}-race`), opts)));

        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
        const listed = await crm.connector.listActivities({ type: contact.type, id: contact.id }, { signal, limit: 20 });
        expect(listed).toHaveLength(1);
      });

      it('lists the activities regarding a record, newest first, at most `limit`, and none of another record', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Timeline ${m}` });
        const other = await crm.seed('contact', { lastName: `Elsewhere ${m}` });
        const written: string[] = [];
        for (const i of [1, 2, 3]) {
          written.push((await crm.connector.logActivity(activity(contact, `${m}-${i}`), opts)).record.id);
          await sleep(15); // distinct creation times: "newest" needs a clock that moved
        }
        await crm.connector.logActivity(activity(other, `${m}-other`), opts);

        const listed = await crm.connector.listActivities({ type: contact.type, id: contact.id }, { signal, limit: 10 });
        expect(listed.map((r) => r.id)).toEqual([...written].reverse());
        const two = await crm.connector.listActivities({ type: contact.type, id: contact.id }, { signal, limit: 2 });
        expect(two.map((r) => r.id)).toEqual([written[2], written[1]]);
        expect(await crm.connector.listActivities({ type: n.type('contact'), id: `missing-${m}` }, { signal, limit: 10 })).toEqual([]);
      });
    });

    describeCanonicalContract({
      crm: () => crm,
      n: () => n,
      marker,
      phoneDigits,
    });

    describe('cancellation', () => {
      it('rejects every call made with an aborted signal', async () => {
        const m = marker();
        const contact = await crm.seed('contact', { lastName: `Abort ${m}` });
        const aborted = AbortSignal.abort();
        const ref = { type: contact.type, id: contact.id };
        const filter: FilterExpr = parseFilter(`${n.field('contact', 'lastName')} contains "Abort"`);
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['findByPhone', () => crm.connector.findByPhone(`+1${phoneDigits()}`, { signal: aborted })],
          ['findByEmail', () => crm.connector.findByEmail('a@example.com', { signal: aborted })],
          ['query', () => crm.connector.query(n.type('contact'), filter, { signal: aborted, limit: 5 })],
          ['get', () => crm.connector.get(ref, { signal: aborted })],
          ['create', () => crm.connector.create(n.type('contact'), { [n.field('contact', 'lastName')]: `Never ${m}` }, { signal: aborted })],
          ['update', () => crm.connector.update(ref, { [n.field('contact', 'title')]: 'Never' }, { signal: aborted })],
          ['logActivity', () => crm.connector.logActivity(activity(contact, `${m}-aborted`), { signal: aborted })],
          ['listActivities', () => crm.connector.listActivities(ref, { signal: aborted, limit: 5 })],
          ['searchText', () => crm.connector.searchText(`Abort ${m}`, ['person'], { signal: aborted, limit: 5 })],
          ['describe', () => crm.connector.describe(n.type('contact'), { signal: aborted })],
        ];
        for (const [method, call] of calls) {
          await expect(call(), method).rejects.toThrow();
        }
        // Nothing was written by the aborted calls.
        expect(await crm.connector.get(ref, opts)).toEqual(contact);
        expect(await crm.connector.listActivities(ref, { signal, limit: 5 })).toEqual([]);
        expect(await query('contact', `${n.field('contact', 'lastName')} = ${quote(`Never ${m}`)}`)).toEqual([]);
      });
    });
  });
}
