import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startProduct, type RunningProduct } from '../../src/product.js';
import { startRecorder } from '../support/botHarness.js';
import { BOT_APP_ID, startLocalBotChannel, type LocalBotChannel } from '../support/botFrameworkChannel.js';
import { dbFingerprint } from '../support/httpProbe.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

/** The real product with BOT_ID set, its Bot Framework authentication pointed at a local channel's keys, its log kept. */
async function startAuthenticatedBot(store: TestStore, metadataUrl: string) {
  const recorder = await startRecorder();
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: store.productOptions.dataDir,
    BOT_ID: BOT_APP_ID,
    SECRET_BOT_PASSWORD: 'not-a-real-secret',
    BOT_OPENID_METADATA_URL: metadataUrl,
    HOST: '127.0.0.1',
    ACD_SIMULATOR: 'on',
  });
  const product: RunningProduct = await startProduct(config, pino({ level: 'info' }, sink));
  return { product, recorder, lines, stop: async () => (await product.stop(), await recorder.close()) };
}

describe('Bot Framework authentication: a forged or tampered token gets 401 and nothing else', () => {
  let store: TestStore;
  let channel: LocalBotChannel;
  let bot: Awaited<ReturnType<typeof startAuthenticatedBot>>;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    channel = await startLocalBotChannel();
    bot = await startAuthenticatedBot(store, channel.metadataUrl);
  });
  afterAll(async () => {
    await bot?.stop();
    await channel?.close();
    await store?.dispose();
  });

  const activity = (kind: 'message' | 'invoke' = 'message') => ({
    type: kind,
    id: `auth-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: bot.recorder.url,
    from: { id: '29:intruder', name: 'Intruder', aadObjectId: 'aad-intruder' },
    recipient: { id: `28:${BOT_APP_ID}` },
    conversation: { id: 'a:personal-intruder', conversationType: 'personal', tenantId: 'tenant-1' },
    ...(kind === 'message'
      ? { text: 'call +12065550142' }
      : { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'customerCard.refresh', data: { interactionId: 'int-none' } }, trigger: 'manual' } }),
  });
  const post = (body: object, authorization?: string) =>
    fetch(`${bot.product.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
  /** Teams' tokens name the serviceUrl the activity came through (claim `serviceurl`). */
  const claims = () => ({ serviceurl: bot.recorder.url });

  it('lets in an activity whose token the local channel key signed (so the refusals below are meaningful)', async () => {
    const token = await channel.token(claims());
    const response = await post(activity('invoke'), `Bearer ${token}`);
    expect(response.status, JSON.stringify(bot.lines.slice(-3))).toBe(200);
    const body = await response.json();
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(channel.fetches()).toBeGreaterThan(0);
  });

  const forged: Array<[string, (ch: LocalBotChannel, serviceurl: string) => Promise<string | undefined>, RegExp]> = [
    ['no Authorization header', async () => undefined, /no Authorization header/],
    ['a header that is not a Bearer token', async () => 'Basic dXNlcjpwYXNz', /not a Bearer token/],
    ['a malformed token', async () => 'Bearer not.a.jwt', /malformed/],
    ["a bad signature (a stranger's key, naming the channel's kid)", (ch, s) => ch.token({ serviceurl: s }, { signer: 'stranger' }), /signature/],
    [
      'a tampered payload (a valid token with its claims swapped)',
      async (ch, s) => {
        const [h, , sig] = (await ch.token({ serviceurl: s })).split('.');
        const payload = Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: BOT_APP_ID, serviceurl: s, exp: 9_999_999_999 })).toString('base64url');
        return `${h}.${payload}.${sig}`;
      },
      /signature/,
    ],
    ["the wrong audience (another bot's token)", (ch, s) => ch.token({ serviceurl: s, aud: '00000000-1111-2222-3333-444444444444' }), /audience/],
    ['the wrong issuer', (ch, s) => ch.token({ serviceurl: s, iss: 'https://evil.example.com' }), /issuer/],
    ['an expired token', (ch, s) => ch.token({ serviceurl: s }, { expiresInSeconds: -3600 }), /expired/],
    ['an unknown kid', (ch, s) => ch.token({ serviceurl: s }, { kid: 'no-such-key' }), /key the Bot Framework does not publish/],
    ['alg: none', async (ch, s) => ch.unsignedToken({ serviceurl: s }), /algorithm/],
    ["a valid token for another serviceUrl (the library's own check)", (ch) => ch.token({ serviceurl: 'https://attacker.example.com/' }), /library refused/],
  ];

  it.each(forged)('refuses %s: 401, no internal text, one structured warning, no stack, nothing changed, /healthz 200', async (_name, tokenFor, reason) => {
    const token = await tokenFor(channel, bot.recorder.url);
    const before = await dbFingerprint(store);
    const recorded = bot.recorder.recorded.length;
    const logged = bot.lines.length;
    const consoleError = vi.spyOn(console, 'error');
    const consoleWarn = vi.spyOn(console, 'warn');
    const stderr = vi.spyOn(process.stderr, 'write');
    try {
      const response = await post(activity(), token?.startsWith('Bearer') || token?.startsWith('Basic') ? token : token && `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('{"error":"unauthorized"}');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(consoleError, 'the library printed nothing').not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
      consoleWarn.mockRestore();
      stderr.mockRestore();
    }
    const lines = bot.lines.slice(logged);
    expect(lines, JSON.stringify(lines)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'activity refused: bot authentication', activityType: 'message' });
    expect(lines[0]!.reason).toMatch(reason);
    expect(JSON.stringify(lines[0])).not.toMatch(/"stack"|"err"|at [\w.<>]+ \(/);
    expect(JSON.stringify(lines[0])).not.toContain(token?.split('.')[2] || '\u0000');
    await new Promise((r) => setTimeout(r, 50));
    expect(bot.recorder.recorded.length, 'the bot sent nothing').toBe(recorded);
    expect(await dbFingerprint(store), 'the database is unchanged').toBe(before);
    expect((await fetch(`${bot.product.url}/healthz`)).status).toBe(200);
  });
});

describe('Bot Framework authentication when the signing keys cannot be fetched', () => {
  let store: TestStore;
  let bot: Awaited<ReturnType<typeof startAuthenticatedBot>>;
  let channel: LocalBotChannel;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    channel = await startLocalBotChannel();
    // Nothing listens there: every key fetch fails, as it did for the offline replay.
    bot = await startAuthenticatedBot(store, 'http://127.0.0.1:1/v1/.well-known/openidconfiguration');
  });
  afterAll(async () => {
    await bot?.stop();
    await channel?.close();
    await store?.dispose();
  });

  it("answers 401 without the library's error text, and rate limits its warnings", async () => {
    const before = await dbFingerprint(store);
    const logged = bot.lines.length;
    const consoleError = vi.spyOn(console, 'error');
    try {
      for (let i = 0; i < 25; i++) {
        const token = await channel.token({ serviceurl: bot.recorder.url });
        const response = await fetch(`${bot.product.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: bot.recorder.url, from: { id: 'x' }, conversation: { id: 'y' }, text: 'call +12065550142' }),
        });
        expect(response.status).toBe(401);
        const text = await response.text();
        expect(text).toBe('{"error":"unauthorized"}');
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    const lines = bot.lines.slice(logged);
    expect(lines.length, 'at most 20 warnings a minute').toBe(20);
    expect(lines[0]!.reason).toMatch(/signing keys could not be fetched/);
    expect(bot.recorder.recorded).toHaveLength(0);
    expect(await dbFingerprint(store)).toBe(before);
    expect((await fetch(`${bot.product.url}/healthz`)).status).toBe(200);
  });
});
