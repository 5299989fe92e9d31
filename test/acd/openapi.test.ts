import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { servedOpenApi, type ServedOpenApi } from '../support/openApi.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { ACD_SECRET, postAcd, uniqueId } from './acdClient.js';

const AGENT = 'aad-openapi-agent';
const at = () => new Date().toISOString();
const agent = { aadObjectId: AGENT };
const contact = (extra: Record<string, unknown> = {}) => ({ id: uniqueId('contact'), ...extra });
const ev = (type: string, fields: Record<string, unknown>) => ({ id: uniqueId('evt'), type, at: at(), agent, ...fields });

/**
 * Requests that the document must accept (and the server too), then requests it must refuse (and the server
 * answers 400). Built afresh per use: ids are unique. What JSON Schema cannot say (a number that routes, an
 * agent known here) is left out: the document names those answers (400, 422) in words.
 */
const valid: Array<[string, () => unknown]> = [
  ['agent.state Available', () => ev('agent.state', { state: 'Available' })],
  ['agent.state Unavailable with a reason', () => ev('agent.state', { state: 'Unavailable', reasonCode: 'Lunch' })],
  ['agent.state with a null reason', () => ev('agent.state', { state: 'Unavailable', reasonCode: null })],
  ['contact.offered, every field', () => ev('contact.offered', { contact: contact({ channel: 'voice', ani: DEMO.nobody, dnis: '+18005550100', skill: 'Billing' }) })],
  ['contact.answered, the id alone', () => ev('contact.answered', { contact: contact() })],
  ['contact.ended', () => ev('contact.ended', { contact: contact({ channel: 'sms' }) })],
  ['contact.transferred', () => ev('contact.transferred', { contact: contact() })],
  ['contact.acwCompleted with disposition and notes', () => ev('contact.acwCompleted', { contact: contact(), disposition: 'Resolved', notes: '' })],
  ['contact.acwCompleted bare', () => ev('contact.acwCompleted', { contact: contact() })],
  ['contact.abandoned', () => ev('contact.abandoned', { contact: contact() })],
  ['an agent named by email', () => ({ ...ev('agent.state', { state: 'Available' }), agent: { email: 'openapi.agent@example.com' } })],
  ['a time with an offset', () => ({ ...ev('agent.state', { state: 'Available' }), at: '2026-12-06T16:00:00+01:00' })],
  ['a batch of two', () => ({ events: [ev('agent.state', { state: 'Available' }), ev('contact.ended', { contact: contact() })] })],
  ['a batch of 100', () => ({ events: Array.from({ length: 100 }, () => ev('agent.state', { state: 'Available' })) })],
];

const invalid: Array<[string, () => unknown]> = [
  ['an empty object', () => ({})],
  ['an array', () => [ev('agent.state', { state: 'Available' })]],
  ['an unknown type', () => ev('contact.parked', { contact: contact() })],
  [
    'no id',
    () => {
      const { id: _id, ...rest } = ev('agent.state', { state: 'Available' });
      return rest;
    },
  ],
  ['an empty id', () => ({ ...ev('agent.state', { state: 'Available' }), id: '' })],
  ['a blank id', () => ({ ...ev('agent.state', { state: 'Available' }), id: '   ' })],
  ['a numeric id', () => ({ ...ev('agent.state', { state: 'Available' }), id: 42 })],
  [
    'no time',
    () => {
      const { at: _at, ...rest } = ev('agent.state', { state: 'Available' });
      return rest;
    },
  ],
  ['a time that is not ISO 8601', () => ({ ...ev('agent.state', { state: 'Available' }), at: 'Sunday noon' })],
  ['a date without a time', () => ({ ...ev('agent.state', { state: 'Available' }), at: '2026-12-06' })],
  [
    'no agent',
    () => {
      const { agent: _agent, ...rest } = ev('agent.state', { state: 'Available' });
      return rest;
    },
  ],
  ['an agent named both ways', () => ({ ...ev('agent.state', { state: 'Available' }), agent: { aadObjectId: AGENT, email: 'a@example.com' } })],
  ['an agent with an email that is not one', () => ({ ...ev('agent.state', { state: 'Available' }), agent: { email: 'not-an-email' } })],
  ['a state we do not take', () => ev('agent.state', { state: 'Working' })],
  ['no state', () => ev('agent.state', {})],
  ['an unknown field', () => ev('agent.state', { state: 'Available', mood: 'happy' })],
  ['an offer without a number', () => ev('contact.offered', { contact: contact() })],
  ['a contact without an id', () => ev('contact.ended', { contact: { ani: DEMO.nobody } })],
  ['a contact on an unknown channel', () => ev('contact.ended', { contact: contact({ channel: 'fax' }) })],
  ['a skill too long', () => ev('contact.ended', { contact: contact({ skill: 'x'.repeat(31) }) })],
  ['a contact event without its contact', () => ev('contact.answered', {})],
  ['notes too long', () => ev('contact.acwCompleted', { contact: contact(), notes: 'n'.repeat(4001) })],
  ['an empty batch', () => ({ events: [] })],
  ['a batch of 101', () => ({ events: Array.from({ length: 101 }, () => ev('agent.state', { state: 'Available' })) })],
  ['a batch with one bad event', () => ({ events: [ev('agent.state', { state: 'Available' }), ev('agent.state', { state: 'Asleep' })] })],
  ['a batch with an extra field', () => ({ events: [ev('agent.state', { state: 'Available' })], more: true })],
];

describe.each(STORE_BACKENDS)('the events API and its OpenAPI document agree on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let served: ServedOpenApi;
  let document: any;
  const schemaOf = (name: string) => served.schemaOf(name);

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET });
    await store.db
      .insertInto('agents')
      .values({ id: AGENT, name: 'OpenAPI Agent', state: 'Available', reason_code: null, state_since: at(), current_interaction_id: null, teams_user_id: null, email: 'openapi.agent@example.com' })
      .execute();
    served = await servedOpenApi(`${bot.url}/api/acd/openapi.json`);
    document = served.document;
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    await served.expectValidDocument();
    expect(Object.keys(document.paths)).toEqual(['/api/acd/events']);
  });

  it.each(valid)('accepts %s, as the document does', async (_what, build) => {
    const body = build();
    const request = schemaOf('EventsRequest');
    expect(request(body), JSON.stringify(request.errors)).toBe(true);
    const answer = await postAcd(bot.url, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const results = schemaOf('Results');
    expect(results(answer.body), JSON.stringify(results.errors)).toBe(true);
  });

  it.each(invalid)('refuses %s with 400, as the document does', async (_what, build) => {
    const body = build();
    expect(schemaOf('EventsRequest')(body)).toBe(false);
    const answer = await postAcd(bot.url, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(schemaOf('Error')(answer.body)).toBe(true);
  });

  it('documents the signature header the server requires', async () => {
    const header = document.paths['/api/acd/events'].post.parameters.find((p: any) => p.name === 'X-Signature');
    expect(header.required).toBe(true);
    const { signAcdBody } = await import('../../src/acd/signature.js');
    expect(new RegExp(header.schema.pattern).test(signAcdBody(ACD_SECRET, '{}'))).toBe(true);
    expect((await postAcd(bot.url, valid[0]![1](), { signature: null })).status).toBe(401);
  });
});
