import type { Kysely } from 'kysely';
import type { FieldValue } from '../../domain/crmRecord.js';
import type { Database } from '../../store/schema.js';
import { inExclusiveTransaction } from '../../store/exclusiveTransaction.js';
import { insertRow } from './recordStore.js';

/**
 * Demo data for the embedded CRM, written on first start so the product works without a cloud account.
 * The named records are the ones the README walkthrough uses; the rest are generated from a fixed seed
 * (the same data on every machine) so that search has something to search.
 */
export const DEMO = {
  contoso: { id: 'acc-contoso', phone: '+1 206 555 0100' },
  maria: { id: 'con-maria-garcia', mobilePhone: '+1 206 555 0142', email: 'maria.garcia@contoso.example' },
  mariaCase: { id: 'cas-damaged-shipment', caseNumber: 'CS-1001' },
  household: { id: 'acc-doe-household', phone: '+1 206 555 0199', contacts: ['con-chris-doe', 'con-pat-doe'] },
  nobody: '+1 206 555 0000',
  /** The digital demo's customer: `chat Peter Solo …` writes as peter.solo@tailwind.example (SIMULATOR_CHAT_DOMAIN's default). */
  peter: { id: 'con-peter-solo', email: 'peter.solo@tailwind.example', mobilePhone: '+1 206 555 0160' },
  tailwind: { id: 'acc-tailwind-traders', phone: '+1 206 555 0161', domain: 'tailwind.example' },
  peterCase: { id: 'cas-missing-parcel', caseNumber: 'CS-2001' },
} as const;

const FIRST = ['James', 'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Sofia', 'Lucas', 'Mia', 'Ethan', 'Amara', 'Yuki', 'Mateo', 'Zara', 'Omar', 'Ingrid', 'Chen', 'Priya', 'Kwame', 'Elena'];
const LAST = ['Smith', 'Johnson', 'Nguyen', 'Okafor', 'Müller', 'Rossi', 'Tanaka', 'Kowalski', 'Silva', 'Haddad', 'Lindqvist', 'Patel', 'Dubois', 'Kim', 'Jensen', 'Moreau'];
const COMPANY = [
  'Fabrikam',
  'Northwind Traders',
  'Adventure Works',
  'Tailspin Toys',
  'Wide World Importers',
  'Litware',
  'Proseware',
  'Woodgrove Bank',
  'Alpine Ski House',
  'Coho Winery',
  'Lamna Healthcare',
  "Margie's Travel",
  'Trey Research',
  'Fourth Coffee',
  'Blue Yonder Airlines',
  'Humongous Insurance',
  'Graphic Design Institute',
  'Relecloud',
  'VanArsdel',
  'Southridge Video',
];
const INDUSTRY = ['Retail', 'Healthcare', 'Finance', 'Manufacturing', 'Travel', 'Education', 'Media'];
const CITY = ['Seattle', 'Chicago', 'New York', 'Denver', 'Portland', 'Boston', 'London', 'San Francisco'];
const SUBJECT = [
  'Late delivery',
  'Billing question',
  'Password reset',
  'Wrong item received',
  'Refund request',
  'Upgrade plan',
  'Cancel subscription',
  'Address change',
  'Warranty claim',
  'Installation help',
];
const CASE_STATUS = ['New', 'Working', 'Escalated', 'Closed', 'Closed'];
const AREA = ['212', '312', '415', '617', '303', '503', '702'];

/** Deterministic pseudo-random numbers (mulberry32), so the demo data is the same everywhere. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Phone numbers written the many ways people write them; all are fictional (555-01xx, Ofcom drama range). */
function phoneNumbers(rand: () => number): () => string {
  const pool: string[] = [];
  for (const area of AREA) for (let n = 0; n < 100; n++) pool.push(`${area}555${String(100 + n).padStart(4, '0')}`);
  for (let n = 0; n < 200; n++) pool.push(`+44207946${String(n).padStart(4, '0')}`);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  let next = 0;
  return () => {
    const digits = pool[next++ % pool.length]!;
    if (digits.startsWith('+')) return next % 2 ? digits : `+44 20 7946 ${digits.slice(-4)}`;
    const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
    const formats = [`(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `${a}${b}${c}`, `+1${a}${b}${c}`];
    return formats[next % formats.length]!;
  };
}

export interface SeedCounts {
  accounts: number;
  contacts: number;
  cases: number;
  leads: number;
}

/**
 * Seeds the demo CRM when it is empty; returns false when there was data already. Looking and writing are
 * one exclusive transaction: of several instances started at once, one seeds, the others find its data.
 */
export async function seedDemoData(db: Kysely<Database>, now: Date, counts: SeedCounts = { accounts: 40, contacts: 320, cases: 160, leads: 40 }): Promise<boolean> {
  return inExclusiveTransaction(db, 'customer-card:demo-seed', async (trx) => {
    const existing = await trx.selectFrom('crm_records').select('id').limit(1).executeTakeFirst();
    if (existing) return false;
    await writeDemoData(trx, now, counts);
    return true;
  });
}

async function writeDemoData(trx: Kysely<Database>, now: Date, counts: SeedCounts): Promise<void> {
  const rand = random(20261122);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const phone = phoneNumbers(rand);
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

  const put = (type: string, fields: Record<string, FieldValue>, id?: string) => insertRow(trx, type, fields, now, id);

  await put('account', { name: 'Contoso Pharmaceuticals', phone: DEMO.contoso.phone, industry: 'Healthcare', city: 'Seattle', website: 'https://contoso.example' }, DEMO.contoso.id);
  await put('contact', { firstName: 'Maria', lastName: 'Garcia', title: 'Procurement lead', accountId: DEMO.contoso.id, mobilePhone: DEMO.maria.mobilePhone, email: DEMO.maria.email }, DEMO.maria.id);
  await put(
    'case',
    {
      caseNumber: DEMO.mariaCase.caseNumber,
      subject: 'Damaged shipment',
      description: 'Two of twelve cartons arrived crushed; customer asks for replacement.',
      status: 'Working',
      priority: 'High',
      contactId: DEMO.maria.id,
      accountId: DEMO.contoso.id,
    },
    DEMO.mariaCase.id,
  );
  await put(
    'task',
    {
      subject: 'Inbound call +1 206 555 0142',
      description: 'Reported the damaged shipment; case CS-1001 opened.',
      status: 'Completed',
      regardingType: 'contact',
      regardingId: DEMO.maria.id,
      activityDate: daysAgo(3),
      disposition: 'Case opened',
    },
    'tsk-maria-1',
  );
  await put('account', { name: 'Doe Household', industry: 'Consumer', city: 'Tacoma' }, DEMO.household.id);
  await put('contact', { firstName: 'Chris', lastName: 'Doe', accountId: DEMO.household.id, homePhone: DEMO.household.phone, email: 'chris.doe@example.com' }, DEMO.household.contacts[0]);
  await put('contact', { firstName: 'Pat', lastName: 'Doe', accountId: DEMO.household.id, homePhone: DEMO.household.phone, email: 'pat.doe@example.com' }, DEMO.household.contacts[1]);
  await put('account', { name: 'Tailwind Traders', phone: DEMO.tailwind.phone, industry: 'Retail', city: 'Seattle', website: `https://${DEMO.tailwind.domain}` }, DEMO.tailwind.id);
  await put('contact', { firstName: 'Peter', lastName: 'Solo', title: 'Store manager', accountId: DEMO.tailwind.id, mobilePhone: DEMO.peter.mobilePhone, email: DEMO.peter.email }, DEMO.peter.id);
  await put(
    'case',
    {
      caseNumber: DEMO.peterCase.caseNumber,
      subject: 'Parcel not delivered',
      description: 'Tracking says delivered, the store never received it.',
      status: 'New',
      priority: 'Medium',
      contactId: DEMO.peter.id,
      accountId: DEMO.tailwind.id,
    },
    DEMO.peterCase.id,
  );

  const accounts: string[] = [];
  for (let i = 0; i < counts.accounts; i++) {
    const name = `${COMPANY[i % COMPANY.length]}${i >= COMPANY.length ? ` ${pick(CITY)}` : ''}`;
    const account = await put('account', { name, phone: phone(), industry: pick(INDUSTRY), city: pick(CITY) }, `acc-${String(i + 1).padStart(4, '0')}`);
    accounts.push(account.id);
  }
  const contacts: string[] = [];
  for (let i = 0; i < counts.contacts; i++) {
    const [first, last] = [pick(FIRST), pick(LAST)];
    const email = `${first}.${last}${i}@example.com`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    const contact = await put('contact', { firstName: first, lastName: last, accountId: pick(accounts), mobilePhone: phone(), email }, `con-${String(i + 1).padStart(4, '0')}`);
    contacts.push(contact.id);
  }
  for (let i = 0; i < counts.cases; i++) {
    const contactId = pick(contacts);
    await put('case', { subject: pick(SUBJECT), status: pick(CASE_STATUS), priority: pick(['Low', 'Medium', 'High']), contactId }, `cas-${String(i + 1).padStart(4, '0')}`);
  }
  for (let i = 0; i < counts.leads; i++) {
    await put(
      'lead',
      { firstName: pick(FIRST), lastName: pick(LAST), company: pick(COMPANY), phone: phone(), status: pick(['Open', 'Contacted', 'Qualified']) },
      `lea-${String(i + 1).padStart(4, '0')}`,
    );
  }
  for (let i = 0; i < 12; i++) {
    await put('work_order', { name: `WO-${5000 + i}`, subject: pick(SUBJECT), contactId: pick(contacts), scheduledFor: daysAgo(-1 - i) }, `wo-${String(i + 1).padStart(4, '0')}`);
  }
}
