import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('the ACD settings', () => {
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/cc-acd-config', ...env });

  it('names a wrong setting and what is wrong with it', () => {
    expect(() => load({ ACD_EVENTS_SECRET: 'short' })).toThrow(/ACD_EVENTS_SECRET: must be at least 16 characters/);
    expect(() => load({ ACD_EVENTS_SECRETS: 'flow' })).toThrow(/ACD_EVENTS_SECRETS.*must be source:secret/);
    expect(() => load({ TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(/TWILIO_ACCOUNT_SID: must be an Account SID/);
    expect(() => load({ TWILIO_ACTIVITY_STATES: 'Offline:Asleep' })).toThrow(/TWILIO_ACTIVITY_STATES.*must be Activity:Available/);
  });

  it('keeps one secret per source, the unnamed one as default', () => {
    const config = load({ ACD_EVENTS_SECRET: 'a-default-secret-0000', ACD_EVENTS_SECRETS: 'studio:studio-secret-00000:with-colon, webex:webex-secret-000000' });
    expect([...config.acdEventSecrets]).toEqual([
      ['default', 'a-default-secret-0000'],
      ['studio', 'studio-secret-00000:with-colon'],
      ['webex', 'webex-secret-000000'],
    ]);
    expect(load({}).acdEventSecrets.size).toBe(0);
  });

  it('talks to TaskRouter only with the account, the workspace and the token', () => {
    const sids = { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_WORKSPACE_SID: `WS${'2'.repeat(32)}` };
    expect(load(sids).twilio.outbound).toBeUndefined();
    expect(load({ ...sids, TWILIO_AUTH_TOKEN: 'token', TWILIO_API_BASE_URL: 'http://127.0.0.1:9' }).twilio.outbound).toEqual({
      accountSid: sids.TWILIO_ACCOUNT_SID,
      workspaceSid: sids.TWILIO_WORKSPACE_SID,
      authToken: 'token',
      apiBaseUrl: 'http://127.0.0.1:9',
    });
  });
});
