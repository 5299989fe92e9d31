import type { FieldValue } from '../../src/domain/crmRecord.js';
import { nameWordKeys, recordKeys, recordName } from '../../src/crm/embedded/recordRules.js';

/**
 * Deterministic bulk data for the embedded CRM: every record is a pure function of its kind and index, so
 * any number of workers can generate any ranges in any order and the database comes out the same. The
 * rows are the ones the embedded connector's insertRecord writes: the same fields (accountName appended
 * from the account, as insertRecord does), the same name (recordName) and the same keys (recordKeys, and
 * nameWordKeys for the name).
 */

export type Kind = 'account' | 'contact' | 'case' | 'task' | 'lead';
export const KINDS: readonly Kind[] = ['account', 'contact', 'case', 'task', 'lead'];

export interface SeedPlan {
  contacts: number;
  accounts: number;
  cases: number;
  tasks: number;
  leads: number;
  /** The region stored numbers are read in (the connector's defaultRegion). */
  region: string;
  /** "Now" of the data set, as ms since the epoch: created_at dates go back three years from it. */
  now: number;
}

export function planFor(contacts: number, now = Date.UTC(2026, 0, 15), region = 'US'): SeedPlan {
  return {
    contacts,
    accounts: Math.max(1, Math.ceil(contacts / 10)),
    cases: Math.floor(contacts * 0.3),
    tasks: Math.floor(contacts * 0.2),
    leads: Math.floor(contacts * 0.02),
    region,
    now,
  };
}

export function countOf(plan: SeedPlan, kind: Kind): number {
  return { account: plan.accounts, contact: plan.contacts, case: plan.cases, task: plan.tasks, lead: plan.leads }[kind];
}

/** Column-wise rows (cheap to pass between threads): one entry per record, and one per key. */
export interface Batch {
  ids: string[];
  types: string[];
  names: string[];
  fields: string[];
  created: string[];
  keyKinds: string[];
  keyValues: string[];
  keyRecordIds: string[];
  keyRecordTypes: string[];
}

const FIRST = [
  'James',
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Sofia',
  'Lucas',
  'Mia',
  'Ethan',
  'Amara',
  'Yuki',
  'Mateo',
  'Zara',
  'Omar',
  'Ingrid',
  'Chen',
  'Priya',
  'Kwame',
  'Elena',
  'Aisha',
  'Björn',
  'Chloé',
  'Diego',
  'Fatima',
  'Hiroshi',
  'Isabela',
  'Jonas',
  'Léa',
  'Mohammed',
  'Nadia',
  'Pedro',
  'Rania',
  'Siddharth',
  'Tomás',
  'Wei',
];
const LAST = [
  'Smith',
  'Johnson',
  'Nguyen',
  'Okafor',
  'Müller',
  'Rossi',
  'Tanaka',
  'Kowalski',
  'Silva',
  'Haddad',
  'Lindqvist',
  'Patel',
  'Dubois',
  'Kim',
  'Jensen',
  'Moreau',
  'García',
  "O'Brien",
  'Van der Berg',
  'Abebe',
  'Novak',
  'Schmidt',
  'Yilmaz',
  'Andersson',
  'Costa',
  'Ivanova',
  'Chowdhury',
  'Mensah',
  'Fernández',
  'Larsen',
];
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
  'Contoso',
  'Datum',
  'Lucerne Publishing',
  'City Power & Light',
  'Best For You Organics',
  'Bellows College',
  'Consolidated Messenger',
  'Nod Publishers',
  'School of Fine Art',
  'Wingtip Toys',
];
const SUFFIX = ['Inc.', 'LLC', 'Ltd', 'Group', 'Holdings', 'Partners', 'Co.', 'Services', 'International', 'GmbH'];
const INDUSTRY = ['Retail', 'Healthcare', 'Finance', 'Manufacturing', 'Travel', 'Education', 'Media', 'Energy', 'Logistics', 'Hospitality'];
const CITY = ['Seattle', 'Chicago', 'New York', 'Denver', 'Portland', 'Boston', 'London', 'San Francisco', 'Austin', 'Atlanta', 'Miami', 'Toronto', 'Manchester', 'Phoenix', 'Dallas'];
const TITLE = ['Procurement lead', 'Office manager', 'CFO', 'IT director', 'Buyer', 'Operations manager', 'Owner', 'Account payable clerk', 'Facilities coordinator', 'Head of customer service'];
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
  'Damaged shipment',
  'Invoice dispute',
  'Service outage',
  'Account locked',
  'Change of ownership',
];
const CASE_STATUS = ['New', 'Working', 'Escalated', 'Closed', 'Closed'];
const PRIORITY = ['Low', 'Medium', 'High'];
const DISPOSITION = ['Resolved', 'Follow-up needed', 'Escalated', 'Callback requested', 'Wrong number'];
const LEAD_STATUS = ['Open', 'Contacted', 'Qualified'];
const WORDS =
  'the customer called about order shipment invoice replacement cartons refund agent confirmed address warehouse delivered damaged partial credit issued follow up next week manager approved escalation billing cycle plan upgrade technician visit scheduled warranty serial number account verified callback requested voicemail left'.split(
    ' ',
  );

/** US area codes in service; each gives 9,800 numbers NXX-555-0200…9999 (555-01xx is left to the demo data). */
const AREAS = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 272, 276, 281,
  301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 323, 325, 330, 331, 334, 336, 337, 339, 346, 347, 351, 352, 360, 361, 385, 386, 401, 402, 404, 405,
  406, 407, 408, 409, 410, 412, 413, 414, 415, 417, 419, 423, 424, 425, 430, 432, 434, 435, 440, 442, 443, 458, 469, 470, 475, 478, 479, 480, 484, 501, 502, 503, 504, 505, 507, 508, 509, 510, 512,
  513, 515, 516, 517, 518, 520, 530, 531, 534, 539, 540, 541, 551, 559, 561, 562, 563, 567, 570, 571, 573, 574, 575, 580, 585, 586, 601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616,
  617, 618, 619, 620,
];
const PER_AREA = 9800;
/** How many distinct US numbers the generator can hand out. */
export const NUMBER_SPACE = AREAS.length * PER_AREA;
/** A multiplier coprime with NUMBER_SPACE: number slots are spread over the space, not handed out in order. */
const SPREAD = 1_000_003;

/** Integer hash (murmur3 finalizer): decorrelates neighbouring indexes. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A small deterministic random stream for one record (mulberry32 seeded from kind and index). */
function stream(salt: number, index: number): () => number {
  let a = mix(mix(salt) ^ (index + 0x9e3779b9));
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickFrom = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The digits of number slot `slot` (0 ≤ slot < NUMBER_SPACE): [area, exchange, line]. */
function usDigits(slot: number): [string, string, string] {
  const spread = (slot * SPREAD) % NUMBER_SPACE; // exact: below 2^53
  const area = AREAS[spread % AREAS.length]!;
  const line = 200 + Math.floor(spread / AREAS.length);
  return [String(area), '555', pad(line, 4)];
}

/** A US number written one of the ways people write them. */
function usNumber(slot: number, style: number): string {
  const [a, b, c] = usDigits(slot);
  switch (style % 8) {
    case 0:
      return `(${a}) ${b}-${c}`;
    case 1:
      return `${a}.${b}.${c}`;
    case 2:
      return `+1 ${a} ${b} ${c}`;
    case 3:
      return `${a}${b}${c}`;
    case 4:
      return `+1${a}${b}${c}`;
    case 5:
      return `1-${a}-${b}-${c}`;
    case 6:
      return `${a}-${b}-${c}`;
    default:
      return `+1 (${a}) ${b}-${c}`;
  }
}

/** E.164 of a US number slot, as the connector stores its key. */
export function usE164(slot: number): string {
  const [a, b, c] = usDigits(slot);
  return `+1${a}${b}${c}`;
}

/** UK numbers from Ofcom's drama ranges (07700 900000–900999, 020 7946 0000–0999): shared by a few records. */
function ukNumber(n: number, style: number): string {
  const mobile = n % 2 === 0;
  const tail = pad(Math.floor(n / 2) % 1000, 3);
  if (mobile) return style % 2 ? `+44 7700 900${tail}` : `0044 7700 900 ${tail}`;
  return style % 2 ? `+44 20 7946 0${tail}` : `+44 (0)20 7946 0${tail}`;
}

/** Number slots: accounts (main lines and household numbers) first, then contacts' mobiles, then leads. */
export const slots = {
  account: (_plan: SeedPlan, a: number) => a,
  contactMobile: (plan: SeedPlan, i: number) => plan.accounts + i,
  lead: (plan: SeedPlan, l: number) => plan.accounts + plan.contacts + l,
  /** The first slot nobody has: numbers from here on match no record. */
  unused: (plan: SeedPlan) => plan.accounts + plan.contacts + plan.leads,
};

export function checkPlan(plan: SeedPlan): void {
  if (slots.unused(plan) + 10_000 > NUMBER_SPACE) {
    throw new Error(`at most ${NUMBER_SPACE - 10_000} phone slots; ${plan.contacts} contacts need ${slots.unused(plan)}`);
  }
}

const ids = {
  account: (a: number) => `acc-b${pad(a + 1, 7)}`,
  contact: (i: number) => `con-b${pad(i + 1, 7)}`,
  case: (k: number) => `cas-b${pad(k + 1, 7)}`,
  task: (t: number) => `tsk-b${pad(t + 1, 7)}`,
  lead: (l: number) => `lea-b${pad(l + 1, 7)}`,
};
export const recordId = (kind: Kind, index: number): string => ids[kind](index);

/** The first case number of the bulk cases; the case counter is moved past the last one. */
export const FIRST_CASE_NUMBER = 100_001;

function accountOf(plan: SeedPlan, i: number): number {
  return Math.min(plan.accounts - 1, Math.floor((i * plan.accounts) / plan.contacts));
}

function isHousehold(a: number): boolean {
  return mix(a ^ 0x5eed) % 10 < 3;
}

/**
 * The E.164 form of the US numbers a record was given, by field: the generator knows their digits, so the
 * writer need not parse them again (see keysOf). Filled by the *Fields functions as they write numbers.
 */
type KnownPhones = Map<string, string>;

function setUsPhone(fields: Record<string, FieldValue>, known: KnownPhones, field: string, slot: number, style: number): void {
  fields[field] = usNumber(slot, style);
  known.set(field, usE164(slot));
}

function accountFields(plan: SeedPlan, a: number, known: KnownPhones = new Map()): Record<string, FieldValue> {
  const r = stream(1, a);
  if (isHousehold(a)) {
    return { name: `${pickFrom(r, LAST)} Household`, industry: 'Consumer', city: pickFrom(r, CITY) };
  }
  const name = `${pickFrom(r, COMPANY)} ${pickFrom(r, CITY)} ${pickFrom(r, SUFFIX)}`;
  const fields: Record<string, FieldValue> = { name };
  if (r() < 0.85) setUsPhone(fields, known, 'phone', slots.account(plan, a), Math.floor(r() * 8));
  fields.industry = pickFrom(r, INDUSTRY);
  fields.city = pickFrom(r, CITY);
  if (r() < 0.6)
    fields.website = `https://${name
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .replace(/^-|-$/g, '')}.example`;
  return fields;
}

/** What a contact is: where its numbers come from, so the bench can call them. */
export function contactShape(plan: SeedPlan, i: number): { account: number; household: boolean; mobile: 'us' | 'uk' | 'none'; workLine: boolean } {
  const a = accountOf(plan, i);
  const r = stream(2, i);
  const roll = r();
  const mobile = roll < 0.89 ? 'us' : roll < 0.9 ? 'uk' : 'none';
  const household = isHousehold(a);
  const workLine = !household && r() < 0.4;
  return { account: a, household, mobile, workLine };
}

function contactFields(plan: SeedPlan, i: number, accountNames: (a: number) => string, known: KnownPhones): Record<string, FieldValue> {
  const shape = contactShape(plan, i);
  const r = stream(3, i);
  const [first, last] = [pickFrom(r, FIRST), pickFrom(r, LAST)];
  const fields: Record<string, FieldValue> = { firstName: first, lastName: shape.household ? accountNames(shape.account).replace(/ Household$/, '') : last };
  if (!shape.household && r() < 0.7) fields.title = pickFrom(r, TITLE);
  fields.accountId = ids.account(shape.account);
  if (shape.mobile === 'us') setUsPhone(fields, known, 'mobilePhone', slots.contactMobile(plan, i), Math.floor(r() * 8));
  else if (shape.mobile === 'uk') fields.mobilePhone = ukNumber(i, Math.floor(r() * 2));
  if (shape.workLine) setUsPhone(fields, known, 'phone', slots.account(plan, shape.account), Math.floor(r() * 8));
  if (shape.household) setUsPhone(fields, known, 'homePhone', slots.account(plan, shape.account), Math.floor(r() * 8));
  if (r() < 0.95) {
    const local = `${first}.${String(fields.lastName)}${i}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9.]/g, '');
    fields.email = `${local}@${shape.household ? 'example.com' : 'example.org'}`;
  }
  return fields;
}

/** Which contact a case or a task is about: spread unevenly, so some contacts have several and most none. */
export function subjectContact(plan: SeedPlan, salt: number, k: number): number {
  return mix(k ^ salt) % plan.contacts;
}

function sentence(r: () => number, words: number): string {
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(pickFrom(r, WORDS));
  const s = out.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

function caseFields(plan: SeedPlan, k: number): Record<string, FieldValue> {
  const r = stream(4, k);
  const contact = subjectContact(plan, 0xca5e, k);
  const longNotes = r() < 0.1;
  const description = Array.from({ length: longNotes ? 12 + Math.floor(r() * 20) : 1 + Math.floor(r() * 3) }, () => sentence(r, 6 + Math.floor(r() * 14))).join(' ');
  return {
    caseNumber: `CS-${FIRST_CASE_NUMBER + k}`,
    subject: pickFrom(r, SUBJECT),
    description,
    status: pickFrom(r, CASE_STATUS),
    priority: pickFrom(r, PRIORITY),
    contactId: ids.contact(contact),
    accountId: ids.account(accountOf(plan, contact)),
  };
}

function taskFields(plan: SeedPlan, t: number, created: string): Record<string, FieldValue> {
  const r = stream(5, t);
  const contact = subjectContact(plan, 0x7a5c, t);
  const shape = contactShape(plan, contact);
  const ani = shape.mobile === 'us' ? usE164(slots.contactMobile(plan, contact)) : usE164(slots.account(plan, shape.account));
  return {
    subject: `Inbound call ${ani}`,
    description: sentence(r, 8 + Math.floor(r() * 30)),
    status: 'Completed',
    regardingType: 'contact',
    regardingId: ids.contact(contact),
    activityDate: created,
    disposition: pickFrom(r, DISPOSITION),
  };
}

function leadFields(plan: SeedPlan, l: number, known: KnownPhones): Record<string, FieldValue> {
  const r = stream(6, l);
  const [first, last] = [pickFrom(r, FIRST), pickFrom(r, LAST)];
  const fields: Record<string, FieldValue> = { firstName: first, lastName: last, company: `${pickFrom(r, COMPANY)} ${pickFrom(r, SUFFIX)}` };
  setUsPhone(fields, known, 'phone', slots.lead(plan, l), Math.floor(r() * 8));
  fields.email = `${first}.${last}.lead${l}@example.net`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9.@]/g, '');
  fields.status = pickFrom(r, LEAD_STATUS);
  return fields;
}

function createdAt(plan: SeedPlan, salt: number, index: number): string {
  const threeYears = 3 * 365 * 86_400_000;
  return new Date(plan.now - Math.floor((mix(index ^ salt) / 4294967296) * threeYears)).toISOString();
}

/** The account names (needed for contacts' and cases' accountName), memoized per generator. */
function accountNameCache(plan: SeedPlan): (a: number) => string {
  const cache = new Map<number, string>();
  return (a) => {
    let name = cache.get(a);
    if (name === undefined) {
      name = recordName('account', accountFields(plan, a, new Map()), ids.account(a));
      if (cache.size > 50_000) cache.clear();
      cache.set(a, name);
    }
    return name;
  };
}

/** One record in this many has its keys computed the connector's way too, and compared. */
const VERIFY_EVERY = 64;

/**
 * The record's keys, as recordKeys computes them. Parsing a phone number (libphonenumber) is most of the
 * cost of generating a record, and the generator wrote the US numbers from known digits, so those keys
 * come from the digits and recordKeys reads every other field. Every VERIFY_EVERY-th record is run
 * through recordKeys as a whole as well, and any difference stops the seed: what is written is what the
 * connector would write.
 */
export function keysOf(kind: Kind, fields: Record<string, FieldValue>, known: KnownPhones, region: string, verify: boolean): Array<{ kind: string; value: string }> {
  if (known.size === 0) return recordKeys(kind, fields, region);
  const rest = { ...fields };
  for (const field of known.keys()) rest[field] = '';
  const keys = recordKeys(kind, rest, region);
  for (const e164 of known.values()) if (!keys.some((k) => k.kind === 'phone' && k.value === e164)) keys.push({ kind: 'phone', value: e164 });
  if (verify) {
    const ours = keys
      .map((k) => `${k.kind}=${k.value}`)
      .sort()
      .join(' ');
    const theirs = recordKeys(kind, fields, region)
      .map((k) => `${k.kind}=${k.value}`)
      .sort()
      .join(' ');
    if (ours !== theirs) throw new Error(`seed keys differ from recordKeys for ${kind} ${JSON.stringify(fields)}: ${ours} vs ${theirs}`);
  }
  return keys;
}

export function emptyBatch(): Batch {
  return { ids: [], types: [], names: [], fields: [], created: [], keyKinds: [], keyValues: [], keyRecordIds: [], keyRecordTypes: [] };
}

/** Generates records [from, to) of one kind, with their keys, exactly as insertRecord would store them. */
export function generate(plan: SeedPlan, kind: Kind, from: number, to: number): Batch {
  const batch = emptyBatch();
  const accountName = accountNameCache(plan);
  for (let index = from; index < to; index++) {
    const id = ids[kind](index);
    const created = createdAt(plan, KINDS.indexOf(kind) + 11, index);
    let fields: Record<string, FieldValue>;
    const known: KnownPhones = new Map();
    switch (kind) {
      case 'account':
        fields = accountFields(plan, index, known);
        break;
      case 'contact':
        fields = contactFields(plan, index, accountName, known);
        break;
      case 'case':
        fields = caseFields(plan, index);
        break;
      case 'task':
        fields = taskFields(plan, index, created);
        break;
      case 'lead':
        fields = leadFields(plan, index, known);
        break;
    }
    // What insertRecord adds: the account's name travels with the reference.
    if (typeof fields.accountId === 'string' && fields.accountName === undefined) {
      fields.accountName = accountName(Number(fields.accountId.slice(5)) - 1);
    }
    batch.ids.push(id);
    batch.types.push(kind);
    const name = recordName(kind, fields, id);
    batch.names.push(name);
    batch.fields.push(JSON.stringify(fields));
    batch.created.push(created);
    // The name's folded words too, as insertRecord writes them: name search finds records through them.
    for (const key of [...keysOf(kind, fields, known, plan.region, index % VERIFY_EVERY === 0), ...nameWordKeys(kind, name, id)]) {
      batch.keyKinds.push(key.kind);
      batch.keyValues.push(key.value);
      batch.keyRecordIds.push(id);
      batch.keyRecordTypes.push(kind);
    }
  }
  return batch;
}

/** Numbers to call, by what the data dip finds: one contact, several records, or nothing. */
export function sampleNumbers(plan: SeedPlan, count: number, what: 'single' | 'multiple' | 'none', salt = 1): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let n = 0; out.length < count && n < count * 50; n++) {
    let e164: string | undefined;
    if (what === 'single') {
      const i = mix(n ^ mix(salt)) % plan.contacts;
      if (contactShape(plan, i).mobile === 'us') e164 = usE164(slots.contactMobile(plan, i));
    } else if (what === 'multiple') {
      // A company's main line (the account and the contacts who gave it as their phone) or a household's.
      const a = mix(n ^ mix(salt + 7)) % plan.accounts;
      const fields = accountFields(plan, a, new Map());
      if (isHousehold(a) || fields.phone) e164 = usE164(slots.account(plan, a));
    } else {
      e164 = usE164(slots.unused(plan) + 1 + (mix(n ^ salt) % 5000));
    }
    if (e164 && !seen.has(e164)) {
      seen.add(e164);
      out.push(e164);
    }
  }
  return out;
}
