import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnBehalfOf, OnBehalfOfError } from '../../src/auth/onBehalfOf.js';
import { CLIENT_ID, localEntra, TENANT, type LocalEntra } from '../support/entraTokens.js';

const LOGIN = 'https://login.microsoftonline.com';
const SCOPE = 'https://contoso.crm.dynamics.com/user_impersonation';

/**
 * A local Entra ID token endpoint (with the instance discovery and OpenID metadata msal-node reads first):
 * answers the on-behalf-of grant the way login.microsoftonline.com does, and records what it was sent.
 */
async function startTokenEndpoint() {
  const grants: Array<Record<string, string>> = [];
  let answer: 'token' | 'consent_required' = 'token';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', LOGIN);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (url.pathname === '/common/discovery/instance') {
        return send(200, {
          tenant_discovery_endpoint: `${LOGIN}/${TENANT}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net', 'sts.windows.net'] }],
        });
      }
      if (url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        return send(200, {
          issuer: `${LOGIN}/${TENANT}/v2.0`,
          authorization_endpoint: `${LOGIN}/${TENANT}/oauth2/v2.0/authorize`,
          token_endpoint: `${LOGIN}/${TENANT}/oauth2/v2.0/token`,
          end_session_endpoint: `${LOGIN}/${TENANT}/oauth2/v2.0/logout`,
          jwks_uri: `${LOGIN}/${TENANT}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'token'],
        });
      }
      if (req.method === 'POST' && url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
        const form = Object.fromEntries(new URLSearchParams(body));
        grants.push(form);
        if (answer === 'consent_required') {
          return send(400, {
            error: 'invalid_grant',
            error_description: 'AADSTS65001: The user or administrator has not consented to use the application.',
            error_codes: [65001],
            suberror: 'consent_required',
          });
        }
        return send(200, { token_type: 'Bearer', scope: SCOPE, expires_in: 3599, ext_expires_in: 3599, access_token: `crm-token-${grants.length}` });
      }
      send(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** msal-node's HTTP client, pointed at the local endpoint instead of login.microsoftonline.com. */
  const networkClient: INetworkModule = {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => forward<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => forward<T>('POST', url, options),
  };
  async function forward<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    if (!url.startsWith(LOGIN)) throw new Error(`msal-node called ${url}, which is not Entra ID`);
    const response = await fetch(local + url.slice(LOGIN.length), { method, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, body: (await response.json()) as T };
  }
  return {
    grants,
    networkClient,
    answerWith(kind: 'token' | 'consent_required') {
      answer = kind;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("on-behalf-of: a token of the server's own, as the agent", () => {
  let endpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let entra: LocalEntra;
  let logs = '';
  let obo: OnBehalfOf;

  beforeAll(async () => {
    [endpoint, entra] = await Promise.all([startTokenEndpoint(), localEntra()]);
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => ((logs += String(chunk)), done()) }));
    obo = new OnBehalfOf({ clientId: CLIENT_ID, clientSecret: 'obo-test-secret', authority: `${LOGIN}/${TENANT}`, logger, networkClient: endpoint.networkClient });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it("exchanges the agent's SSO token with the on-behalf-of grant, and caches the result", async () => {
    const sso = await entra.token();
    const token = await obo.tokenFor(sso, [SCOPE]);
    expect(token.accessToken).toBe('crm-token-1');
    expect(token.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    expect(endpoint.grants).toHaveLength(1);
    const grant = endpoint.grants[0]!;
    expect(grant.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(grant.requested_token_use).toBe('on_behalf_of');
    expect(grant.assertion).toBe(sso);
    expect(grant.client_id).toBe(CLIENT_ID);
    expect(grant.client_secret).toBe('obo-test-secret');
    expect(grant.scope!.split(' ')).toContain(SCOPE);

    // The same agent and scope again: from msal's cache, no second grant.
    expect((await obo.tokenFor(sso, [SCOPE])).accessToken).toBe('crm-token-1');
    expect(endpoint.grants).toHaveLength(1);
  });

  it('says plainly when consent is needed, and never logs a token', async () => {
    endpoint.answerWith('consent_required');
    const sso = await entra.token({ oid: '9a0c0305-e82c-4330-8f25-04e04f8941d3' });
    const refused = await obo.tokenFor(sso, [SCOPE]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OnBehalfOfError);
    expect((refused as OnBehalfOfError).code).toBe('consent_required');
    expect((refused as OnBehalfOfError).message).toMatch(/Consent is needed.*contoso\.crm\.dynamics\.com/);
    expect(logs).toMatch(/on-behalf-of token refused/);
    expect(logs).not.toContain(sso);
    expect(logs).not.toContain(sso.split('.')[2]);
    expect(logs).not.toContain('crm-token-');
    expect(logs).not.toContain('obo-test-secret');
  });
});
