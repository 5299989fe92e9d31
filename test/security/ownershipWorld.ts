import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { actionSchema } from '../../src/actions/registry.js';
import { VERBS, type Verb } from '../../src/cards/verbs.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import type { Database } from '../../src/store/schema.js';
import { actionOf, startBot, type BotHarness, type InvokeAnswer, type TeamsUser } from '../support/botHarness.js';
import type { TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

/** Every Customer Card verb: the matrices below are generated from it, so a new verb is covered at once. */
/**
 * Every verb that acts on an interaction's card. Details of a search result outside a call names no
 * interaction: test/teams/searchDetails.test.ts holds it to the same rule (one answer for any record the
 * agent's own search did not find).
 */
export const ALL_VERBS = (Object.values(VERBS) as Verb[]).filter((verb) => verb !== VERBS.lookupDetails);

/** Verbs whose data names a record on the card. */
export const RECORD_VERBS = ALL_VERBS.filter((verb) => {
  const schema = actionSchema(verb) as { shape?: Record<string, unknown> };
  return !!schema.shape && 'recordId' in schema.shape;
});

/** What must never reach anyone but the owner (and a supervisor): the owner's customer, records and notes. */
export const SECRETS = ['Maria', 'Garcia', '0142', 'Secret ACW notes', DEMO.maria.id, 'contoso', 'Resolved'];

/** The refusal for an interaction that is not the caller's, whether it exists or not (src/interactions/ownership.ts). */
export const NOT_YOURS = /not one of your interactions \(or it does not exist\)/;

const TABLES: Array<keyof Database> = [
  'agents',
  'interactions',
  'interaction_records',
  'jobs',
  'conversation_refs',
  'customers',
  'customer_identifiers',
  'crm_records',
  'crm_record_keys',
  'crm_sequences',
  'digital_threads',
  'digital_messages',
];

/**
 * Two agents and a supervisor on the real bot: the owner has a completed interaction (with ACW notes) and
 * an open call from Maria Garcia, linked to her; the intruder has an open call of their own.
 */
export interface OwnershipWorld {
  bot: BotHarness;
  owner: TeamsUser;
  intruder: TeamsUser;
  supervisor: TeamsUser;
  ids: { ownerOpen: string; ownerCompleted: string; intruderOpen: string; ownerCustomer: string; intruderCustomer: string };
  /** Every row of every table, as text: equal before and after means nothing changed. */
  snapshot(): Promise<Record<string, string[]>>;
  /** Every message the bot has sent or updated so far. */
  sent(): number;
  healthz(): Promise<number>;
  stop(): Promise<void>;
}

export async function buildWorld(store: TestStore): Promise<OwnershipWorld> {
  const bot = await startBot(store);
  const owner = bot.user('owner-a', 'Ana Owner');
  const intruder = bot.user('intruder-b', 'Ivy Intruder');
  const supervisor = bot.user('sup', 'Sue Supervisor', 'aad-supervisor');
  for (const user of [owner, intruder, supervisor]) await user.install();

  expect(await owner.sayText('available')).toMatch(/You are Available/);
  const first = await owner.sayForCard('call +1 206 555 0142');
  const ownerCompleted = first.card.refresh.action.data.interactionId as string;
  const ended = await owner.endCall(first.card);
  await owner.clickCard(actionOf(ended, 'Complete ACW'), { disposition: 'Resolved', notes: 'Secret ACW notes' });
  const jobsDone = async () => (await store.db.selectFrom('jobs').select('status').execute()).every((j) => j.status === 'done');
  await waitFor('the ACW jobs', jobsDone);

  const open = await owner.sayForCard('call +1 206 555 0142');
  const ownerOpen = open.card.refresh.action.data.interactionId as string;
  expect(await intruder.sayText('available')).toMatch(/You are Available/);
  const intruderCall = await intruder.sayForCard(`call ${DEMO.nobody}`);
  const intruderOpen = intruderCall.card.refresh.action.data.interactionId as string;
  const customerOf = async (id: string) => (await store.db.selectFrom('interactions').select('customer_id').where('id', '=', id).executeTakeFirstOrThrow()).customer_id!;
  // Let the card messages settle, so that what follows is measured against a still world.
  await new Promise((resolve) => setTimeout(resolve, 300));

  return {
    bot,
    owner,
    intruder,
    supervisor,
    ids: { ownerOpen, ownerCompleted, intruderOpen, ownerCustomer: await customerOf(ownerOpen), intruderCustomer: await customerOf(intruderOpen) },
    async snapshot() {
      const tables: Record<string, string[]> = {};
      for (const table of TABLES) {
        tables[table] = (await store.db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
      }
      return tables;
    },
    sent: () => bot.recorded.length,
    healthz: async () => (await fetch(`${bot.url}/healthz`)).status,
    stop: () => bot.stop(),
  };
}

/** Data that every verb's schema accepts (each takes the fields it reads), aimed at `interactionId`. */
export function anyData(world: OwnershipWorld, interactionId: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    interactionId,
    recordType: 'contact',
    recordId: DEMO.maria.id,
    query: 'Garcia',
    firstName: 'Ivy',
    lastName: 'Intruder',
    phone: '+1 425 555 0100',
    email: 'ivy@example.com',
    subject: 'Taken over',
    description: 'by the intruder',
    priority: 'High',
    entity: 'contact',
    fields: 'lastName=Intruder',
    field_lastName: 'Intruder',
    duplicateQuery: 'Garcia',
    customerId: world.ids.ownerCustomer,
    disposition: 'Resolved',
    notes: 'pwned',
    threadStatus: 'Closed',
    threadTags: 'pwned',
    threadNotes: 'pwned',
    transferTo: 'skill:Intruders',
    // A reply's one-time id is the interaction's id and a count (replyIdFor).
    replyId: typeof interactionId === 'string' && /^[A-Za-z0-9-]{1,50}$/.test(interactionId) ? `${interactionId}-0` : 'not-an-interaction-0',
    replyText: 'pwned',
    ...extra,
  };
}

/** An interaction id nobody has. */
export const nobodysId = (): string => randomUUID();

/**
 * Posts an adaptiveCard/action invoke whose `value` is given as JSON text, as sent (so keys such as
 * `__proto__` arrive as keys, which an object literal cannot express).
 */
export async function rawInvoke(bot: BotHarness, user: TeamsUser, valueJson: string): Promise<InvokeAnswer> {
  const envelope = {
    type: 'invoke',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: bot.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:customer-card-bot', name: 'Customer Card' },
    conversation: { id: `a:personal-${user.id}`, conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-US',
    name: 'adaptiveCard/action',
  };
  const body = `${JSON.stringify(envelope).slice(0, -1)},"value":${valueJson}}`;
  const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
