import { describe, expect, it } from 'vitest';
import { RECORD_ROLES, type CrmRecord } from '../../src/domain/crmRecord.js';
import { toE164 } from '../../src/domain/phone.js';
import { parseFilter } from '../../src/crm/filter.js';
import { CrmError } from '../../src/crm/port.js';
import type { ConnectorContractSetup, ContractField, ContractType, namer } from './connectorContract.js';

/**
 * The canonical model's part of the CrmConnector contract (issue 11, expectations a–g of the common brief):
 * every record carries a role and canonical fields, references come with names, choices with labels,
 * activities are dated by the interaction, describe and searchText answer. Through the port only, with the
 * CRM's own names from the setup's `names`. Run by describeConnectorContract for every adapter.
 */
export interface CanonicalContractContext {
  crm: () => ConnectorContractSetup;
  n: () => ReturnType<typeof namer>;
  marker: () => string;
  phoneDigits: () => string;
}

const opts = { signal: new AbortController().signal };

export function describeCanonicalContract(ctx: CanonicalContractContext): void {
  const connector = () => ctx.crm().connector;
  const f = (type: ContractType, field: ContractField) => ctx.n().field(type, field);
  const seed = (type: ContractType, fields: Parameters<ConnectorContractSetup['seed']>[1]) => ctx.crm().seed(type, fields);

  /** (a) A role among the six, and a canonical object. */
  const expectRole = (record: CrmRecord, role: CrmRecord['role'], where: string) => {
    expect(RECORD_ROLES, where).toContain(record.role);
    expect(record.role, where).toBe(role);
    expect(typeof record.canonical, where).toBe('object');
  };

  /** A person with an account, a phone and an email; and the account. */
  async function personAtAccount() {
    const m = ctx.marker();
    const digits = ctx.phoneDigits();
    const account = await seed('account', { name: `Canon Org ${m}` });
    const person = await seed('contact', {
      firstName: 'Ines',
      lastName: `Canon${m}`,
      email: `ines.${m}@example.com`,
      mobilePhone: `+1${digits}`,
      accountId: account.id,
    });
    return { m, digits, account, person };
  }

  const expectPerson = (record: CrmRecord, seeded: Awaited<ReturnType<typeof personAtAccount>>, where: string) => {
    expectRole(record, 'person', where);
    expect(record.canonical.organization, where).toEqual({ ref: { type: ctx.n().type('account'), id: seeded.account.id }, name: `Canon Org ${seeded.m}` });
    expect(record.canonical.firstName, where).toBe('Ines');
    expect(record.canonical.lastName, where).toBe(`Canon${seeded.m}`);
    expect(record.canonical.email?.toLowerCase(), where).toBe(`ines.${seeded.m}@example.com`);
    expect(
      (record.canonical.phones ?? []).map((p) => toE164(p, 'US')),
      where,
    ).toContain(`+1${seeded.digits}`);
  };

  describe('canonical model', () => {
    it('(a) gives each record its role: person, organization, lead, case, activity', async () => {
      const m = ctx.marker();
      const account = await seed('account', { name: `Role Org ${m}` });
      const contact = await seed('contact', { lastName: `Role${m}` });
      const lead = await seed('lead', { lastName: `Role${m}`, company: `Role Co ${m}` });
      const kase = await seed('case', { subject: `Role case ${m}`, contactId: contact.id });
      expectRole(account, 'organization', 'account');
      expectRole(contact, 'person', 'contact');
      expectRole(lead, ctx.crm().names?.roles?.lead ?? 'lead', 'lead');
      expectRole(kase, 'case', 'case');
      const logged = await connector().logActivity(
        { key: `${m}-role`, regarding: { type: contact.type, id: contact.id }, subject: `Role call ${m}`, description: 'd', at: '2026-03-04T10:20:30.000Z', fields: {} },
        opts,
      );
      expectRole(logged.record, 'activity', 'logActivity');
      for (const listed of await connector().listActivities({ type: contact.type, id: contact.id }, { ...opts, limit: 5 })) expectRole(listed, 'activity', 'listActivities');
      const updated = await connector().update({ type: contact.type, id: contact.id }, { [f('contact', 'firstName')]: 'Rola' }, opts);
      expectRole(updated, 'person', 'update');
      expectRole((await connector().get({ type: kase.type, id: kase.id }, opts))!, 'case', 'get case');
    });

    it('(b) reads a person back with its organization (ref and name), names, email and phones, by every read', async () => {
      const seeded = await personAtAccount();
      const { person } = seeded;
      expectPerson((await connector().get({ type: person.type, id: person.id }, opts))!, seeded, 'get');
      const queried = await connector().query(ctx.n().type('contact'), parseFilter(`${f('contact', 'lastName')} = "Canon${seeded.m}"`), { ...opts, limit: 5 });
      expect(queried.map((r) => r.id)).toEqual([person.id]);
      expectPerson(queried[0]!, seeded, 'query');
      const byPhone = (await connector().findByPhone(`+1${seeded.digits}`, opts)).filter((r) => r.id === person.id);
      expect(byPhone).toHaveLength(1);
      expectPerson(byPhone[0]!, seeded, 'findByPhone');
      const searched = (await connector().searchText(`Canon${seeded.m}`, ['person'], { ...opts, limit: 10 })).records.filter((r) => r.id === person.id);
      expect(searched).toHaveLength(1);
      expectPerson(searched[0]!, seeded, 'searchText');
    });

    it('(c, g) reads a case back attached to its person and organization, with number, subject, and labels', async () => {
      const { m, account, person } = await personAtAccount();
      const description = await connector().describe(ctx.n().type('case'), opts);
      const priority = description.fields[f('case', 'priority')];
      expect(priority?.choices?.length, 'priority choices').toBeGreaterThan(0);
      const chosen = priority!.choices!.at(-1)!;
      const created = await seed('case', { subject: `Attached ${m}`, contactId: person.id, accountId: account.id, priority: chosen.value });
      const kase = (await connector().get({ type: created.type, id: created.id }, opts))!;
      expectRole(kase, 'case', 'case');
      expect(kase.canonical.person?.ref.id).toBe(person.id);
      expect(kase.canonical.person?.name).toContain(`Canon${m}`);
      expect(kase.canonical.organization?.ref.id).toBe(account.id);
      expect(kase.canonical.organization?.name).toBe(`Canon Org ${m}`);
      expect(kase.canonical.subject).toBe(`Attached ${m}`);
      expect(kase.canonical.caseNumber).toMatch(/\S/);
      expect(kase.canonical.priority).toBe(chosen.label);
      const status = description.fields[f('case', 'status')];
      if (status?.choices?.length && kase.canonical.status !== undefined) expect(status.choices.map((c) => c.label)).toContain(kase.canonical.status);
      // (g) what a person reads: the reference's name, the choice's label.
      const shown = (field: string) => kase.display?.[field] ?? String(kase.fields[field]);
      expect(shown(f('case', 'priority'))).toBe(chosen.label);
      const personRead = (await connector().get({ type: person.type, id: person.id }, opts))!;
      expect(personRead.display?.[f('contact', 'accountId')]).toBe(`Canon Org ${m}`);
    });

    it('(d) dates an activity by the interaction and keeps its description; newest first by that date', async () => {
      const { m, person } = await personAtAccount();
      const regarding = { type: person.type, id: person.id };
      const later = await connector().logActivity({ key: `${m}-later`, regarding, subject: `Later ${m}`, description: `Said later ${m}`, at: '2026-03-05T08:00:00.000Z', fields: {} }, opts);
      const earlier = await connector().logActivity({ key: `${m}-at`, regarding, subject: `Call ${m}`, description: `Caller asked about ${m}`, at: '2026-03-04T10:20:30.000Z', fields: {} }, opts);
      const listed = await connector().listActivities(regarding, { ...opts, limit: 10 });
      expect(listed.map((r) => r.id)).toEqual([later.record.id, earlier.record.id]);
      const activity = listed[1]!;
      expectRole(activity, 'activity', 'listActivities');
      const date = activity.canonical.activityDate ?? '';
      expect(new Date(date).toISOString().slice(0, 10)).toBe('2026-03-04');
      if (date.length > 10) expect(new Date(date).toISOString()).toBe('2026-03-04T10:20:30.000Z');
      expect(activity.canonical.description).toContain(`Caller asked about ${m}`);
    });

    it('(e) describes a type: labels, phone kinds, read-only fields, priority choices with a default; 404 for no such type', async () => {
      const person = await connector().describe(ctx.n().type('contact'), opts);
      expect(person.label).toMatch(/\S/);
      for (const [name, field] of Object.entries(person.fields)) expect(field.label, name).toMatch(/\S/);
      expect(person.fields[f('contact', 'mobilePhone')]?.kind).toBe('phone');
      expect(person.fields[f('contact', 'phone')]?.kind).toBe('phone');
      const readOnly = ctx.crm().names?.readOnly ?? {};
      for (const [type, field] of Object.entries(readOnly) as Array<[ContractType, string]>) {
        expect((await connector().describe(ctx.n().type(type), opts)).fields[field]?.writable, `${type}.${field}`).toBe(false);
      }
      const kase = await connector().describe(ctx.n().type('case'), opts);
      const priority = kase.fields[f('case', 'priority')];
      expect(priority?.choices?.length).toBeGreaterThan(1);
      expect(priority?.choices?.map((c) => c.value)).toContain(priority?.defaultValue);
      const missing = connector().describe('NoSuchType', opts);
      await expect(missing).rejects.toBeInstanceOf(CrmError);
      await expect(missing).rejects.toMatchObject({ status: 404 });
    });

    it('(f) finds a person by last name in any case, and a case by its number', async () => {
      const { m, person } = await personAtAccount();
      const found = await connector().searchText(`CANON${m.toUpperCase()}`, ['person'], { ...opts, limit: 10 });
      expect(found.records.map((r) => r.id)).toContain(person.id);
      expect(found.refused).toEqual([]);
      const kase = await seed('case', { subject: `Numbered ${m}`, contactId: person.id });
      const number = kase.canonical.caseNumber ?? String(kase.fields[f('case', 'caseNumber')]);
      const byNumber = await connector().searchText(number, ['case'], { ...opts, limit: 10 });
      expect(byNumber.records.map((r) => r.id)).toContain(kase.id);
    });

    it('(f) keeps what the other types found when one type is refused (403), and names the refused type', async (test) => {
      const refuse = ctx.crm().refuseSearchOf;
      if (!refuse) return test.skip();
      const m = ctx.marker();
      const account = await seed('account', { name: `Refused${m}` });
      await seed('contact', { lastName: `Refused${m}` });
      const restore = await refuse('contact');
      try {
        const result = await connector().searchText(`Refused${m}`, ['person', 'organization'], { ...opts, limit: 10 });
        expect(result.records.map((r) => r.id)).toEqual([account.id]);
        expect(result.refused.map((r) => r.type)).toEqual([ctx.n().type('contact')]);
        expect(result.refused[0]!.reason).toMatch(/\S/);
      } finally {
        await restore();
      }
    });
  });
}
