import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789';
const PUBLIC = 'https://cards.example.com';

// Behind a proxy Twilio signs the public URL it called, not the address the app sees. (No storage is
// touched here: the event is one the app does not act on, so one backend suffices.)
describe.each(STORE_BACKENDS)('TaskRouter signatures behind a proxy (PUBLIC_BASE_URL) ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_BASE_URL: `${PUBLIC}/` });
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  const post = async (signedUrl: string) => {
    const params = { EventType: 'workflow.timeout', Sid: 'EV00000000000000000000000000000001', Timestamp: String(Math.floor(Date.now() / 1000)) };
    const response = await fetch(`${bot.url}/api/acd/twilio/taskrouter`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, signedUrl, params) },
      body: new URLSearchParams(params).toString(),
    });
    return response.status;
  };

  it('checks the signature over PUBLIC_BASE_URL and the path', async () => {
    expect(await post(`${PUBLIC}/api/acd/twilio/taskrouter`)).toBe(204);
  });

  it('refuses a signature over the address the app sees itself', async () => {
    expect(await post(`${bot.url}/api/acd/twilio/taskrouter`)).toBe(401);
  });
});
