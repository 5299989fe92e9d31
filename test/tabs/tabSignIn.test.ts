import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { setAgentState, upsertAgent } from '../../src/store/agentsRepository.js';
import { cardText, startBot, type BotHarness } from '../support/botHarness.js';
import { AGENT_OID, APP_ID_URI, BOT_DOMAIN, CLIENT_ID, localEntra, OTHER_TENANT, TENANT, type LocalEntra } from '../support/entraTokens.js';
import { openEvents } from '../support/eventStream.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(STORE_BACKENDS)('the tab with BOT_ID set: Teams SSO tokens only ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let entra: LocalEntra;
  let interactionId: string;
  const api = (path: string, init: RequestInit = {}) => fetch(`${bot.url}${path}`, init);
  const bearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { Authorization: `Bearer ${token}`, ...extra } });

  beforeAll(async () => {
    [store, entra] = await Promise.all([backend.open(), localEntra()]);
    bot = await startBot(store, {
      BOT_ID: '11111111-2222-3333-4444-555555555555',
      SECRET_BOT_PASSWORD: 'not-a-real-secret',
      ACD_SIMULATOR: 'off',
      AAD_APP_CLIENT_ID: CLIENT_ID,
      AAD_APP_TENANT_ID: TENANT,
      BOT_DOMAIN,
      TAB_JWKS_FILE: entra.jwksFile,
    });
    // The agent behind the token (the bot knows agents by their Entra object id) is on a call from Maria.
    const now = new Date().toISOString();
    await upsertAgent(store.db, AGENT_OID, 'Ana Agent', now);
    await setAgentState(store.db, AGENT_OID, { state: 'Available', reasonCode: null, since: now, currentInteractionId: null });
    interactionId = (await bot.product.services.calls.offerCall(AGENT_OID, DEMO.maria.mobilePhone)).interaction.id;
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  it('answers 401, with no data, to every /api/tab request without a valid token', async () => {
    const requests: Array<[string, RequestInit]> = [
      ['/api/tab/card', {}],
      ['/api/tab/events', {}],
      ['/api/tab/agents', {}],
      ['/api/tab/action', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verb: 'customerCard.show', data: { interactionId } }) }],
      // The local identity header is not honoured once BOT_ID is set.
      ['/api/tab/card', { headers: { 'X-Local-Agent-Id': AGENT_OID } }],
      ['/api/tab/card', { headers: { Authorization: 'Bearer not-a-token' } }],
    ];
    for (const [path, init] of requests) {
      const response = await api(path, init);
      const text = await response.text();
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(['error', 'identity', 'reason']);
      expect(text).not.toMatch(/Maria|Garcia|206|interaction/i);
    }
  });

  it("accepts a valid token (v2 for the client id, v1 for the app ID URI) and shows that agent's card", async () => {
    const v2 = await api('/api/tab/card', bearer(await entra.token()));
    expect(v2.status).toBe(200);
    const body = (await v2.json()) as any;
    expect(body.agent).toEqual({ id: AGENT_OID, name: 'Ana Agent' });
    expect(body.view).toBe('card');
    expect(body.interactionId).toBe(interactionId);
    expect(cardText(body.card)).toMatch(/Maria Garcia/);

    const v1 = await entra.token({ aud: APP_ID_URI, iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' });
    expect((await api('/api/tab/card', bearer(v1))).status).toBe(200);
  });

  it("refuses an expired token, another app's, another tenant's, a stranger's signature and an app-only token", async () => {
    const refused = {
      expired: await entra.token({}, { expiresInSeconds: -600 }),
      'not for this app': await entra.token({ aud: 'api://elsewhere.example/0b1c2d3e-0000-4617-a8b9-cadbecfd0e1f' }),
      'another tenant': await entra.token({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }),
      'tenant and issuer disagree': await entra.token({ tid: OTHER_TENANT }),
      'signed by a stranger': await entra.token({}, { signer: 'stranger' }),
      'app-only (no scp)': await entra.token({ scp: undefined, roles: ['Tab.Read'] }),
    };
    const reasons: Record<string, string> = {};
    for (const [what, token] of Object.entries(refused)) {
      const response = await api('/api/tab/card', bearer(token));
      expect(response.status, what).toBe(401);
      reasons[what] = ((await response.json()) as { reason: string }).reason;
    }
    expect(reasons).toEqual({
      expired: 'the token has expired',
      'not for this app': 'the token is not for this app (audience)',
      'another tenant': 'the token is from a tenant or issuer this app does not accept',
      'tenant and issuer disagree': 'the token is from a tenant that may not use this app',
      'signed by a stranger': "the token's signature does not match the tenant's keys",
      'app-only (no scp)': "the token is not a person's (no delegated scope): sign in from Teams",
    });
  });

  it("runs card actions for the token's agent, and answers 400 to a verb that is not a card action", async () => {
    const token = await entra.token();
    const post = (body: unknown) => api('/api/tab/action', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const unknown = await post({ verb: 'customerCard.deleteEverything', data: { interactionId } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error).toBe('bad action: verb: "customerCard.deleteEverything" is not a Customer Card action');
    expect((await post({ data: {} })).status).toBe(400);
    expect((await post({ verb: 'customerCard.show', data: 'nope' })).status).toBe(400);

    const linked = await post({ verb: 'customerCard.link', data: { interactionId, recordType: 'case', recordId: DEMO.mariaCase.id } });
    expect(linked.status).toBe(200);
    const answer = (await linked.json()) as any;
    expect(answer.view).toBe('card');
    expect(cardText(answer.card)).toMatch(/Linked CS-1001 Damaged shipment/);

    // Someone else's interaction: the engine refuses, and says so without showing it.
    const stranger = await entra.token({ oid: '00000000-1111-2222-3333-444444444444', name: 'Eve' });
    const other = await api('/api/tab/action', {
      method: 'POST',
      headers: { Authorization: `Bearer ${stranger}`, 'content-type': 'application/json' },
      body: JSON.stringify({ verb: 'customerCard.show', data: { interactionId } }),
    });
    expect(other.status).toBe(200);
    const refusal = cardText(((await other.json()) as any).card);
    expect(refusal).toMatch(/not one of your interactions \(or it does not exist\)/);
    expect(refusal).not.toMatch(/Maria/);
  });

  it("streams the card live to the token's agent, and ends the stream when the token expires", async () => {
    const token = await entra.token({}, { expiresInSeconds: 2 });
    const stream = await openEvents(`${bot.url}/api/tab/events`, { Authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    // First the current card, then each change.
    await until('the current card', () => stream.events.length === 1);
    expect(stream.events[0].interactionId).toBe(interactionId);
    await bot.product.services.records.unlink(AGENT_OID, interactionId, { type: 'case', id: DEMO.mariaCase.id });
    await until('the changed card', () => stream.events.length === 2);
    expect(cardText(stream.events[1].card)).toMatch(/Current Interaction \(1\)/);
    // A stream never outlives the token that opened it: the tab reconnects with a fresh one.
    await until('the end of the stream', () => stream.ended(), 5000);
    await stream.close();
  });

  it('serves the page to anyone (it holds no data) and tells it to sign in with Teams', async () => {
    const page = await api('/tabs/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    expect(await page.text()).toMatch(/<script type="module" src="app.js">/);
    expect(await (await api('/tabs/config.json')).json()).toEqual({ identity: 'sso' });
  });
});
