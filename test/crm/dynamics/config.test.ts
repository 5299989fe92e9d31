import { describe, expect, it } from 'vitest';
import { dynamicsConnectorSchema } from '../../../src/crm/dynamics/config.js';

describe('dynamicsConnectorSchema', () => {
  const valid = {
    type: 'dynamics',
    serverUrl: 'https://contoso.crm.dynamics.com/',
    auth: { kind: 'clientSecret', tenantId: 'contoso.onmicrosoft.com', clientId: '8f1c2d3e-4b5a-4978-8a9b-0c1d2e3f4a5b', clientSecretEnv: 'SECRET_DYNAMICS_CLIENT_SECRET' },
  };
  const issues = (value: unknown) => {
    const parsed = dynamicsConnectorSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes the documented example and fills the defaults', () => {
    expect(dynamicsConnectorSchema.parse(valid)).toEqual({
      ...valid,
      serverUrl: 'https://contoso.crm.dynamics.com',
      apiVersion: '9.2',
      auth: { ...valid.auth, authorityHost: 'https://login.microsoftonline.com' },
      timeline: { activity: 'phonecall', keyColumn: 'subcategory' },
      phoneColumns: {},
      pageSize: 500,
      requestTimeoutMs: 30_000,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 30_000 },
    });
  });

  it.each([
    [{ ...valid, serverUrl: 'http://contoso.crm.dynamics.com' }, 'serverUrl: must use https'],
    [{ ...valid, serverUrl: 'contoso' }, 'serverUrl: must be a URL'],
    [{ ...valid, apiVersion: '8.2' }, 'apiVersion: must be a Dataverse Web API version'],
    [{ ...valid, auth: { ...valid.auth, clientId: 'contoso-app' } }, 'auth.clientId: must be the application (client) ID'],
    [{ ...valid, auth: { ...valid.auth, clientSecretEnv: 'hunter2-is-my-secret' } }, 'auth.clientSecretEnv: must name an environment variable starting with SECRET_'],
    [{ ...valid, auth: { ...valid.auth, clientSecret: 'hunter2' } }, "auth: Unrecognized key(s) in object: 'clientSecret'"],
    [{ ...valid, auth: { ...valid.auth, kind: 'password' } }, 'auth.kind: kind must be "clientSecret"'],
    [{ ...valid, auth: { kind: 'clientSecret', tenantId: 'contoso.onmicrosoft.com', clientSecretEnv: 'SECRET_X' } }, 'auth.clientId: is required'],
    [{ ...valid, timeline: { activity: 'email' } }, 'timeline.activity: must be "phonecall" or "task"'],
    [{ ...valid, phoneColumns: { contact: ['Mobile Phone'] } }, 'phoneColumns.contact.0: must be a Dataverse column logical name'],
    [{ ...valid, pageSize: 10_000 }, 'pageSize: must be at most 5000'],
    [{ ...valid, password: 'x' }, "Unrecognized key(s) in object: 'password'"],
  ])('rejects %j naming the key', (value, expected) => {
    expect(issues(value).join('\n')).toContain(expected);
  });
});
