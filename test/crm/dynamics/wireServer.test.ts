import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../../src/crm/dynamics/dataverseClient.js';
import { CrmError } from '../../../src/crm/port.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/crm/shared/httpKit/retryConfig.js';
import { connectorFor, opts } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

/**
 * The local Dataverse answers as Microsoft's Web API docs say, not as the connector assumes. These checks talk
 * to it over HTTP, as any client would ("Execute batch operations using the Web API": Handling errors).
 */
describe('the local Dataverse wire server', () => {
  let server: DataverseWireServer;
  let token: string;

  beforeAll(async () => {
    server = await DataverseWireServer.start();
    await connectorFor(server).create('account', { name: 'Wire Co' }, opts());
    token = server.issuedTokens.at(-1)!;
  });
  afterAll(async () => {
    await server?.close();
  });

  const part = (path: string) => `--batch_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET /api/data/v9.2/${path} HTTP/1.1\r\nAccept: application/json\r\n\r\n`;
  const send = (prefer?: string) =>
    fetch(`${server.url}/api/data/v9.2/$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'multipart/mixed; boundary="batch_x"', ...(prefer ? { Prefer: prefer } : {}) },
      body: `${part('leads?$select=fullname')}${part('accounts?$select=name')}--batch_x--\r\n`,
    });

  it('a failing request stops the batch, which answers with that request’s error status', async () => {
    server.denyRead('lead');
    try {
      const response = await send();
      const body = await response.text();
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
      expect(body.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 403']);
      expect(body).toContain('is missing prvReadLead privilege');
      expect(body).not.toContain('Wire Co');
    } finally {
      server.denyRead('lead', false);
    }
  });

  it('with Prefer: odata.continue-on-error, 200 and every request’s response, the failed one included', async () => {
    server.denyRead('lead');
    try {
      const response = await send('odata.continue-on-error');
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 403', 'HTTP/1.1 200']);
      expect(body).toContain('Wire Co');
    } finally {
      server.denyRead('lead', false);
    }
  });

  it('answers $select with the columns asked for, and refuses a property the table does not have', async () => {
    const get = (query: string, prefer = 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"') =>
      fetch(`${server.url}/api/data/v9.2/accounts?${query}`, { headers: { Authorization: `Bearer ${token}`, Prefer: prefer } });
    const ok = (await (await get('$select=name,statuscode')).json()) as { value: Array<Record<string, unknown>> };
    expect(Object.keys(ok.value[0]!).sort()).toEqual(['@odata.etag', 'accountid', 'name', 'statuscode', 'statuscode@OData.Community.Display.V1.FormattedValue']);
    const refused = await get('$select=name,nosuchcolumn');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { message: "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.account'." } });
  });

  it('the connector reports a batch stopped by a failed request as that request’s failure, not a network failure', async () => {
    // dynamics-web-api rejects a non-2xx $batch with the array of its parsed parts.
    const client = new DataverseClient({
      configurationId: 'wire',
      serverUrl: `${server.url}/`,
      apiVersion: '9.2',
      requestTimeoutMs: 5000,
      retry: DEFAULT_RETRY_POLICY,
      tokens: { getToken: () => Promise.resolve(token), renewals: 0, invalidate: () => undefined },
      logger: pino({ level: 'silent' }),
    });
    server.denyRead('lead');
    try {
      const error = await client
        .batch({ operation: 'read leads and accounts' }, AbortSignal.timeout(5000), (api) => [
          api.retrieveMultiple({ collection: 'leads', select: ['fullname'] }),
          api.retrieveMultiple({ collection: 'accounts', select: ['name'] }),
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmError);
      expect(error).toMatchObject({ status: 403, message: expect.stringContaining('missing the prvReadLead privilege') });
    } finally {
      server.denyRead('lead', false);
    }
  });
});
