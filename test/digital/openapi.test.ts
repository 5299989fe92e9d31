import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { servedOpenApi, type ServedOpenApi } from '../support/openApi.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { PlatformClient, platformMessage } from './platformClient.js';
import { RecordingIntake } from './recordingIntake.js';

const without = (key: string) => platformMessage({ [key]: undefined });
const content = (text: unknown, type = 'TEXT') => ({ messageContent: { type, payload: { text } } });

/**
 * Bodies the document must accept (and the server too), then bodies it must refuse (and the server answers
 * 400). What JSON Schema cannot say (a channelIntegrationId that is the caller's) is left out: the document
 * says it in words.
 */
const validMessages: Array<[string, () => unknown]> = [
  ['the seed’s message', () => platformMessage()],
  ['a time in UTC', () => platformMessage({ createdAtWithMilliseconds: '2026-12-06T09:15:30.123Z' })],
  ['a time without milliseconds', () => platformMessage({ createdAtWithMilliseconds: '2026-12-06T10:15:30+01:00' })],
  ['an outbound message', () => platformMessage({ direction: 'outbound' })],
  ['an author known by id alone', () => platformMessage({ authorEndUserIdentity: { idOnExternalPlatform: '+15551234567' } })],
  ['a text of 4,000 characters', () => platformMessage(content('x'.repeat(4000)))],
  ['a batch of one', () => ({ messages: [platformMessage()] })],
  ['a batch of 100', () => ({ messages: Array.from({ length: 100 }, () => platformMessage()) })],
];

const invalidMessages: Array<[string, () => unknown]> = [
  ['an empty object', () => ({})],
  ['an array', () => [platformMessage()]],
  ['no id', () => without('idOnExternalPlatform')],
  ['a blank id', () => platformMessage({ idOnExternalPlatform: '   ' })],
  ['no thread', () => without('thread')],
  ['a thread without its id', () => platformMessage({ thread: {} })],
  ['no content', () => without('messageContent')],
  ['a content that is not TEXT', () => platformMessage(content('x', 'IMAGE'))],
  ['an empty text', () => platformMessage(content(''))],
  ['a text of 4,001 characters', () => platformMessage(content('x'.repeat(4001)))],
  ['a numeric text', () => platformMessage(content(42))],
  ['no time', () => without('createdAtWithMilliseconds')],
  ['a time without an offset', () => platformMessage({ createdAtWithMilliseconds: '2026-12-06T10:15:30.123' })],
  ['a date alone', () => platformMessage({ createdAtWithMilliseconds: '2026-12-06' })],
  ['a time in words', () => platformMessage({ createdAtWithMilliseconds: 'Sunday noon' })],
  ['no direction', () => without('direction')],
  ['an unknown direction', () => platformMessage({ direction: 'sideways' })],
  ['no author', () => without('authorEndUserIdentity')],
  ['an author without an id', () => platformMessage({ authorEndUserIdentity: { firstName: 'Peter' } })],
  ['a first name over 100 characters', () => platformMessage({ authorEndUserIdentity: { idOnExternalPlatform: '5459', firstName: 'P'.repeat(101) } })],
  ['an unknown field', () => platformMessage({ mood: 'happy' })],
  ['an empty batch', () => ({ messages: [] })],
  ['a batch of 101', () => ({ messages: Array.from({ length: 101 }, () => platformMessage()) })],
  ['a batch with one bad message', () => ({ messages: [platformMessage(), without('thread')] })],
  ['a batch with an extra field', () => ({ messages: [platformMessage()], more: true })],
];

describe.each(STORE_BACKENDS)('the digital channels API and its OpenAPI document agree on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let served: ServedOpenApi;
  let platform: PlatformClient;
  let channelId: string;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, {}, undefined, { digitalIntake: new RecordingIntake() });
    const { integration, clientSecret } = await bot.product.digital.integrations.issue({ id: 'openapi', name: 'OpenAPI platform', boxUrl: 'https://openapi.example/box' });
    platform = new PlatformClient(bot.url, { integrationId: integration.id, clientId: integration.clientId, clientSecret });
    served = await servedOpenApi(`${bot.url}/dfo/3.0/openapi.json`);
    const channel = await platform.registerChannel(platform.channel());
    expect(served.schemaOf('Channel')(channel.body)).toBe(true);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  it('serves a valid OpenAPI 3.1 document for every digital route', async () => {
    await served.expectValidDocument();
    expect(Object.keys(served.document.paths)).toEqual(['/dfo/3.0/token', '/dfo/3.0/channels', '/dfo/3.0/channels/{channelId}/messages']);
  });

  it.each(validMessages)('accepts %s, as the document does', async (_what, build) => {
    const body = build();
    const request = served.schemaOf('MessagesRequest');
    expect(request(body), JSON.stringify(request.errors)).toBe(true);
    const answer = await platform.send(channelId, {}, { raw: JSON.stringify(body) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(served.schemaOf('MessagesAccepted')(answer.body)).toBe(true);
  });

  it.each(invalidMessages)('refuses %s with 400, as the document does', async (_what, build) => {
    const body = build();
    expect(served.schemaOf('MessagesRequest')(body)).toBe(false);
    const answer = await platform.send(channelId, {}, { raw: JSON.stringify(body) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(served.schemaOf('Error')(answer.body)).toBe(true);
  });

  it.each([
    ['the seed’s channel', () => platform.channel(), true],
    ['a channel with our kind and skill', () => platform.channel({ kind: 'sms', skill: 'Billing:EU', realExternalPlatformId: null }), true],
    ['a channel without a name', () => platform.channel({ name: undefined }), false],
    ['a channel with a skill of one letter', () => platform.channel({ skill: 'B' }), false],
    ['a channel of an unknown kind', () => platform.channel({ kind: 'fax' }), false],
    ['a channel with an unknown field', () => platform.channel({ colour: 'red' }), false],
  ])('%s: the document and the server agree', async (_what, build, valid) => {
    const body = build();
    expect(served.schemaOf('Channel')(body)).toBe(valid);
    const answer = await platform.registerChannel(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(valid ? 201 : 400);
    expect(served.schemaOf(valid ? 'Channel' : 'Error')(answer.body)).toBe(true);
  });

  it('describes the token answers the server gives', async () => {
    const ok = await platform.requestToken({ via: 'form' });
    expect(ok.status).toBe(200);
    expect(served.schemaOf('Token')(ok.body)).toBe(true);
    expect(served.schemaOf('TokenRequest')({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' })).toBe(true);
    expect(served.schemaOf('TokenRequest')({ grant_type: 'password' })).toBe(false);
    for (const answer of [await platform.requestToken({ grantType: 'password' }), await platform.requestToken({ grantType: null }), await platform.requestToken({ clientSecret: 'wrong' })]) {
      expect([400, 401]).toContain(answer.status);
      expect(served.schemaOf('TokenError')(answer.body), JSON.stringify(answer.body)).toBe(true);
    }
  });

  it('documents the bearer scheme the server requires', async () => {
    const post = served.document.paths['/dfo/3.0/channels/{channelId}/messages'].post;
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(served.document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await platform.send(channelId, platformMessage(), { token: null })).status).toBe(401);
  });
});
