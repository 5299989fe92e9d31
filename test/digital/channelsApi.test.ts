import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { PlatformClient, platformMessage } from './platformClient.js';
import { RecordingIntake } from './recordingIntake.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(STORE_BACKENDS)('the digital channels API on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let intake: RecordingIntake;
  let acme: PlatformClient;
  let other: PlatformClient;

  const client = async (id: string, name: string) => {
    const { integration, clientSecret } = await bot.product.digital.integrations.issue({ id, name, boxUrl: `https://${id}.example/box` });
    return new PlatformClient(bot.url, { integrationId: integration.id, clientId: integration.clientId, clientSecret });
  };

  beforeAll(async () => {
    store = await backend.open();
    intake = new RecordingIntake();
    bot = await startBot(store, {}, undefined, { digitalIntake: intake });
    acme = await client('acme', 'Acme chat');
    other = await client('other', 'Other platform');
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  describe('the token endpoint (client credentials)', () => {
    it.each(['basic', 'form', 'json'] as const)('issues a Bearer token to credentials sent by %s', async (via) => {
      const answer = await acme.requestToken({ via });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 3600 });
      expect(answer.headers.get('cache-control')).toBe('no-store');
      // The token works.
      expect((await acme.fetch('GET', '/dfo/3.0/channels', { token: answer.body.access_token })).status).toBe(200);
    });

    it('refuses a wrong secret and an unknown client with the same 401 invalid_client', async () => {
      const wrongSecret = await acme.requestToken({ clientSecret: `${acme.credentials.clientSecret}x` });
      const unknownClient = await acme.requestToken({ clientId: 'no-such-client' });
      const unknownByForm = await acme.requestToken({ via: 'form', clientId: 'no-such-client' });
      for (const answer of [wrongSecret, unknownClient, unknownByForm]) {
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
        expect(answer.body.error).toBe('invalid_client');
        expect(answer.body).not.toHaveProperty('access_token');
      }
      expect(unknownClient.body).toEqual(wrongSecret.body);
    });

    it('refuses another grant, a missing grant and credentials sent two ways (RFC 6749 §5.2)', async () => {
      const password = await acme.requestToken({ grantType: 'password' });
      expect(password.status).toBe(400);
      expect(password.body.error).toBe('unsupported_grant_type');
      const none = await acme.requestToken({ grantType: null, via: 'form' });
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('grant_type') });
      const twoWays = await acme.fetch('POST', '/dfo/3.0/token', {
        token: null,
        headers: { authorization: `Basic ${Buffer.from(`${acme.credentials.clientId}:${acme.credentials.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        text: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.credentials.clientId, client_secret: acme.credentials.clientSecret }).toString(),
      });
      expect(twoWays.status).toBe(400);
      expect(twoWays.body.error).toBe('invalid_request');
    });

    it('refuses a request with no token, an unknown token and an expired one, with a Bearer challenge', async () => {
      const fresh = (await acme.requestToken()).body.access_token as string;
      await store.db
        .updateTable('digital_access_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('token_hash', '=', sha256(fresh))
        .execute();
      for (const token of [null, 'not-a-token-we-issued', fresh]) {
        const answer = await acme.registerChannel(acme.channel(), { token });
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="dfo"/);
      }
      // The expired row goes when the next token is issued.
      await acme.requestToken();
      const left = await store.db.selectFrom('digital_access_tokens').select('token_hash').where('token_hash', '=', sha256(fresh)).execute();
      expect(left).toEqual([]);
    });

    it('keeps neither the secret nor the tokens in clear', async () => {
      const token = (await acme.requestToken()).body.access_token as string;
      const integration = await store.db.selectFrom('digital_integrations').selectAll().where('id', '=', 'acme').executeTakeFirstOrThrow();
      expect(integration.client_secret_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(integration)).not.toContain(acme.credentials.clientSecret);
      const tokens = await store.db.selectFrom('digital_access_tokens').selectAll().execute();
      expect(JSON.stringify(tokens)).not.toContain(token);
      expect(tokens.map((t) => t.token_hash)).toContain(sha256(token));
      expect(tokens.find((t) => t.token_hash === sha256(token))?.integration_id).toBe('acme');
    });

    it('rotates the secret when the integration is issued again: same client id, the old secret refused', async () => {
      const rotating = await client('rotating', 'Rotating');
      const again = await bot.product.digital.integrations.issue({ id: 'rotating', name: 'Rotating, renamed', boxUrl: 'http://localhost:9999/box' });
      expect(again.integration.clientId).toBe(rotating.credentials.clientId);
      expect(again.clientSecret).not.toBe(rotating.credentials.clientSecret);
      expect((await rotating.requestToken()).status).toBe(401);
      const renewed = new PlatformClient(bot.url, { ...rotating.credentials, clientSecret: again.clientSecret });
      expect((await renewed.requestToken()).status).toBe(200);
      expect((await bot.product.digital.integrations.find('rotating'))?.name).toBe('Rotating, renamed');
    });
  });

  describe('channels', () => {
    it('registers a channel (201), updates it when sent again (200), and lists only the caller’s own', async () => {
      const channel = acme.channel({ kind: 'sms', skill: 'Billing' });
      const created = await acme.registerChannel(channel);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ id: channel.id, name: 'My discussion forum', kind: 'sms', skill: 'Billing', channelIntegrationId: 'acme' });
      const updated = await acme.registerChannel({ ...channel, name: 'Renamed forum' });
      expect(updated.status).toBe(200);
      const row = await store.db.selectFrom('digital_channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ integration_id: 'acme', name: 'Renamed forum', kind: 'sms', skill: 'Billing', is_private: 1, has_tree_structure: 0 });

      const otherChannel = other.channel();
      expect((await other.registerChannel(otherChannel)).status).toBe(201);
      const mine = (await acme.listChannels()).body.channels.map((c: any) => c.id);
      expect(mine).toContain(channel.id);
      expect(mine).not.toContain(otherChannel.id);
    });

    it('refuses another integration’s channel id with 409, without saying whose, and changes nothing', async () => {
      const channel = acme.channel();
      expect((await acme.registerChannel(channel)).status).toBe(201);
      const taken = await other.registerChannel({ ...channel, channelIntegrationId: 'other', name: 'Hijacked' });
      expect(taken.status).toBe(409);
      expect(JSON.stringify(taken.body)).not.toMatch(/acme/i);
      const row = await store.db.selectFrom('digital_channels').select(['integration_id', 'name']).where('id', '=', channel.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ integration_id: 'acme', name: 'My discussion forum' });
    });

    it('lets exactly one of two integrations registering the same new id at once have it', async () => {
      for (let round = 0; round < 5; round++) {
        const channel = acme.channel();
        const answers = await Promise.all([acme.registerChannel(channel), other.registerChannel({ ...channel, channelIntegrationId: 'other' })]);
        expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
        const winner = answers[0]!.status === 201 ? 'acme' : 'other';
        const row = await store.db.selectFrom('digital_channels').select('integration_id').where('id', '=', channel.id).executeTakeFirstOrThrow();
        expect(row.integration_id).toBe(winner);
      }
    });

    it.each([
      ['a missing name', { name: undefined }, 'name: required'],
      ['a channelIntegrationId of another integration', { channelIntegrationId: 'other' }, 'channelIntegrationId: must be the id of the integration'],
      ['a skill outside the SPEC rule', { skill: 'a' }, 'skill: a skill is 2 to 30'],
      ['an unknown kind', { kind: 'fax' }, 'kind:'],
      ['an id with a slash', { id: 'a/b' }, 'id:'],
      ['a field the API does not have', { colour: 'red' }, 'not a field of this API: colour'],
    ])('refuses %s with 400 naming the field', async (_what, overrides, problem) => {
      const answer = await acme.registerChannel(acme.channel(overrides));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(problem);
    });

    it('refuses a channel body over 16 KiB with 413', async () => {
      const answer = await acme.registerChannel(acme.channel({ name: 'n'.repeat(17 * 1024) }));
      expect(answer.status).toBe(413);
    });
  });

  describe('messages', () => {
    let channelId: string;
    let otherChannelId: string;
    beforeAll(async () => {
      channelId = (await acme.registerChannel(acme.channel({ kind: 'web' }))).body.id;
      otherChannelId = (await other.registerChannel(other.channel())).body.id;
    });

    it('takes the seed’s message (202) and hands it to the intake normalized to UTC', async () => {
      const message = platformMessage();
      const answer = await acme.send(channelId, message);
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      expect(answer.body).toEqual({ stored: 1, duplicates: 0 });
      const { channel, messages } = intake.last();
      expect(channel).toMatchObject({ id: channelId, integrationId: 'acme', kind: 'web' });
      expect(messages).toEqual([
        {
          idOnExternalPlatform: message.idOnExternalPlatform,
          threadIdOnExternalPlatform: 'thread-1001',
          text: 'Hello, can you help me, please?',
          createdAt: '2021-01-15T07:20:50.520Z',
          direction: 'inbound',
          author: { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' },
        },
      ]);
    });

    it('passes a batch on as received, each time in UTC; a resend counts as duplicates', async () => {
      const batch = [
        platformMessage({ createdAtWithMilliseconds: '2026-12-06T10:15:30.123+01:00' }),
        platformMessage({ createdAtWithMilliseconds: '2026-12-06T09:15:30.100Z', direction: 'outbound' }),
        platformMessage({ createdAtWithMilliseconds: '2026-12-05T23:59:59.999-05:30', authorEndUserIdentity: { idOnExternalPlatform: 'peter@example.com' } }),
      ];
      expect((await acme.send(channelId, batch)).body).toEqual({ stored: 3, duplicates: 0 });
      const received = intake.last().messages;
      expect(received.map((m) => m.idOnExternalPlatform)).toEqual(batch.map((m) => m.idOnExternalPlatform));
      expect(received.map((m) => m.createdAt)).toEqual(['2026-12-06T09:15:30.123Z', '2026-12-06T09:15:30.100Z', '2026-12-06T05:29:59.999Z']);
      expect(received[1]!.direction).toBe('outbound');
      expect(received[2]!.author).toEqual({ idOnExternalPlatform: 'peter@example.com' });
      const again = await acme.resend();
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ stored: 0, duplicates: 3 });
    });

    it('takes 100 messages in one request and refuses 101 with 400', async () => {
      const hundred = Array.from({ length: 100 }, () => platformMessage());
      expect((await acme.send(channelId, hundred)).body).toEqual({ stored: 100, duplicates: 0 });
      const calls = intake.received.length;
      const tooMany = await acme.send(channelId, [...hundred, platformMessage()]);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error).toBe('messages: at most 100 messages per request');
      expect(intake.received.length).toBe(calls);
    });

    const withoutThreadId = () => platformMessage({ thread: {} });
    it.each([
      [
        'a message in a batch without its thread',
        () => ({ messages: [platformMessage(), platformMessage(), platformMessage(), withoutThreadId()] }),
        'messages[3].thread.idOnExternalPlatform: required',
      ],
      ['a single message without its thread', withoutThreadId, 'thread.idOnExternalPlatform: required'],
      ['a text over 4,000 characters', () => platformMessage({ messageContent: { type: 'TEXT', payload: { text: 'x'.repeat(4001) } } }), 'messageContent.payload.text: at most 4000 characters'],
      ['an empty text', () => platformMessage({ messageContent: { type: 'TEXT', payload: { text: '  ' } } }), 'messageContent.payload.text: must not be empty'],
      ['a content that is not TEXT', () => platformMessage({ messageContent: { type: 'IMAGE', payload: { text: 'x' } } }), 'messageContent.type: only TEXT is supported'],
      ['a time without its offset', () => platformMessage({ createdAtWithMilliseconds: '2026-12-06T10:15:30.123' }), 'createdAtWithMilliseconds: an ISO-8601 date and time with its offset'],
      ['a day that does not exist', () => platformMessage({ createdAtWithMilliseconds: '2026-02-30T10:15:30.123Z' }), 'createdAtWithMilliseconds:'],
      ['an unknown direction', () => platformMessage({ direction: 'sideways' }), 'direction:'],
      ['no author', () => platformMessage({ authorEndUserIdentity: undefined }), 'authorEndUserIdentity: required'],
      ['an empty batch', () => ({ messages: [] }), 'messages: at least one message'],
      ['an array', () => [platformMessage()], 'the body must be a message object'],
    ])('refuses %s with 400 naming the field, and hands nothing over', async (_what, build, problem) => {
      const calls = intake.received.length;
      const answer = await acme.send(channelId, {}, { raw: JSON.stringify(build()) });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toContain(problem);
      expect(intake.received.length).toBe(calls);
    });

    it('answers 404 alike for another integration’s channel and an unknown one', async () => {
      const calls = intake.received.length;
      const others = await acme.send(otherChannelId, platformMessage());
      const unknown = await acme.send('no-such-channel', platformMessage());
      const malformed = await acme.send('..%2F..', platformMessage());
      expect([others.status, unknown.status, malformed.status]).toEqual([404, 404, 404]);
      expect(others.body).toEqual(unknown.body);
      expect(intake.received.length).toBe(calls);
      // The owner's own token still reaches it.
      expect((await other.send(otherChannelId, platformMessage())).status).toBe(202);
    });

    it('refuses a body over 1 MiB with 413 and hands nothing over', async () => {
      const calls = intake.received.length;
      const huge = JSON.stringify({ messages: [platformMessage({ messageContent: { type: 'TEXT', payload: { text: 'x'.repeat(1024 * 1024) } } })] });
      const answer = await acme.send(channelId, {}, { raw: huge });
      expect(answer.status).toBe(413);
      expect(intake.received.length).toBe(calls);
    });
  });
});
