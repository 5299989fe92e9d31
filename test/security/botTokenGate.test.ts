import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotTokenRefused, createBotTokenGate } from '../../src/auth/botTokenGate.js';
import { BOT_APP_ID, startLocalBotChannel, type LocalBotChannel } from '../support/botFrameworkChannel.js';

describe('the Bot Framework token gate fetching keys', () => {
  let channel: LocalBotChannel;
  beforeAll(async () => {
    channel = await startLocalBotChannel();
  });
  afterAll(() => channel?.close());

  it('retries a failed first fetch every few seconds, not on every request, then lets valid tokens in', async () => {
    let now = Date.now();
    let down = true;
    let attempts = 0;
    const check = createBotTokenGate({
      appId: BOT_APP_ID,
      openIdMetadataUrl: channel.metadataUrl,
      now: () => now,
      fetch: async (input, init) => {
        attempts++;
        if (down) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
    });
    const token = await channel.token({ serviceurl: 'https://smba.example/' });
    await expect(check(`Bearer ${token}`, 'msteams')).rejects.toThrow(/signing keys could not be fetched/);
    await expect(check(`Bearer ${token}`, 'msteams')).rejects.toThrow(BotTokenRefused);
    expect(attempts, 'one attempt within the retry delay').toBe(1);
    down = false;
    now += 5_000;
    await expect(check(`Bearer ${token}`, 'msteams')).resolves.toBeUndefined();
    expect(attempts).toBe(3); // the metadata, then the key set
  });

  it("fetches again for a key it has not seen at most once a minute, and checks the key's endorsement of the channel", async () => {
    let now = Date.now();
    const before = channel.fetches();
    const check = createBotTokenGate({ appId: BOT_APP_ID, openIdMetadataUrl: channel.metadataUrl, now: () => now });
    const valid = await channel.token({}, {});
    await check(`Bearer ${valid}`, 'msteams');
    const unknown = await channel.token({}, { kid: 'rotated-key' });
    for (let i = 0; i < 5; i++) await expect(check(`Bearer ${unknown}`, 'msteams')).rejects.toThrow(/key the Bot Framework does not publish/);
    expect(channel.fetches() - before).toBe(1);
    now += 60_000;
    await expect(check(`Bearer ${unknown}`, 'msteams')).rejects.toThrow(BotTokenRefused);
    expect(channel.fetches() - before).toBe(2);
    await expect(check(`Bearer ${valid}`, 'webchat')).rejects.toThrow(/not endorsed for the activity's channel/);
  });
});
