import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError, type CrmConnector } from '../../../src/crm/port.js';
import { AGENT_EMAIL, API_TOKEN, OAUTH_ENV, OAUTH_TOKEN, startWire, TOKEN_ENV, zendeskConnector } from './harness.js';
import type { ZendeskWireServer } from './wireServer.js';

/** What every Zendesk call shares (zendeskApi.ts): credentials and their rotation, secrets kept out of logs (throttling: transportConformance.test.ts). */
const signal = new AbortController().signal;
const opts = { signal };
let uniq = 0;
const tag = () => `t${Date.now().toString(36)}${uniq++}`;

describe('Zendesk transport', () => {
  let wire: ZendeskWireServer;
  let crm: CrmConnector;

  beforeAll(async () => {
    wire = await startWire();
    crm = zendeskConnector(wire);
  });
  afterAll(async () => {
    await wire?.close();
  });

  describe('credentials', () => {
    it('reads a rotated token from the environment once after a 401, and goes on', async () => {
      const env: Record<string, string> = { [TOKEN_ENV]: 'zdtok-old-rotated-away' };
      const rotated = zendeskConnector(wire, { env });
      env[TOKEN_ENV] = API_TOKEN; // the admin rotated it after the connector read it
      const before = wire.requests.length;
      const user = await rotated.create('user', { name: `${tag()} After rotation` }, opts);
      expect(user.id).toEqual(expect.any(String));
      const sent = wire.requests.slice(before).map((r) => r.auth);
      expect(sent.filter((a) => a === 'none')).toHaveLength(1);
      expect(sent.at(-1)).toBe('basic');
    });

    it('reports refused credentials as 401 naming the configuration and variable, never the token, without a loop', async () => {
      wire.refuseAll = true;
      try {
        const before = wire.requests.length;
        const error = (await crm.findByPhone('+12065550100', opts).catch((e: unknown) => e)) as CrmError;
        expect(error).toBeInstanceOf(CrmError);
        expect(error.status).toBe(401);
        expect(error.message).toContain('zendesk-test');
        expect(error.message).toContain(TOKEN_ENV);
        expect(error.message).toContain('do not expire');
        expect(error.message).not.toContain(API_TOKEN);
        expect(error.message).not.toContain(Buffer.from(`${AGENT_EMAIL}/token:${API_TOKEN}`).toString('base64'));
        expect(wire.requests.length - before).toBeLessThanOrEqual(4); // one per phone field, none retried
      } finally {
        wire.refuseAll = false;
      }
    });

    it('signs in with an OAuth access token as a bearer token', async () => {
      const oauth = zendeskConnector(wire, {
        env: { [OAUTH_ENV]: OAUTH_TOKEN },
        config: { auth: { kind: 'oauth', accessTokenEnv: OAUTH_ENV } },
      });
      const before = wire.requests.length;
      expect((await oauth.create('organization', { name: `${tag()} Bearer` }, opts)).type).toBe('organization');
      expect(wire.requests.slice(before).map((r) => r.auth)).toContain('bearer');
    });
  });

  it('never writes a secret to the log', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const env: Record<string, string> = { [TOKEN_ENV]: 'zdtok-stale-5ecret' };
    const logged = zendeskConnector(wire, { env, logger });
    env[TOKEN_ENV] = API_TOKEN;
    wire.failNext(429, { retryAfter: '0', path: /organizations/ });
    await logged.create('organization', { name: `${tag()} Logged` }, opts);
    wire.refuseAll = true;
    await logged.get({ type: 'user', id: String(wire.agentId) }, opts).catch(() => undefined);
    wire.refuseAll = false;
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2); // the retry and the rotation were logged
    for (const secret of [API_TOKEN, 'zdtok-stale-5ecret', Buffer.from(`${AGENT_EMAIL}/token:${API_TOKEN}`).toString('base64'), 'Authorization']) {
      expect(text).not.toContain(secret);
    }
  });
});
