import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDeps } from '../../src/crm/connectorRegistration.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { createConnector, createConnectors } from '../../src/crm/registry.js';
import { crmConfigurationSchema, type CrmConfiguration } from '../../src/workflows/configuration.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

const configuration = (id: string, connector: Record<string, unknown>): CrmConfiguration => crmConfigurationSchema.parse({ id, name: id, connector, workflows: [] });

const embedded = configuration('demo', { type: 'embedded' });
const salesforce = configuration('sf', {
  type: 'salesforce',
  instanceUrl: 'https://acme.my.salesforce.com',
  auth: { kind: 'clientCredentials', clientId: '3MVG9-customer-card-test-consumer-key', clientSecretEnv: 'SF_CLIENT_SECRET' },
});
const zendesk = configuration('zd', {
  type: 'zendesk',
  instanceUrl: 'https://acme.zendesk.com',
  auth: { kind: 'api-token', email: 'agent@acme.example', apiTokenEnv: 'ZENDESK_API_TOKEN' },
});

describe('the CRM connector registry', () => {
  let store: TestStore;
  const secrets = new Map<string, string>();
  const deps = (): EmbeddedDeps => ({
    db: store.db,
    clock: () => new Date('2026-03-14T09:30:00.000Z'),
    defaultRegion: 'US',
    secret: (name) => secrets.get(name),
    logger: pino({ level: 'silent' }),
  });

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('builds the embedded connector without loading any remote adapter', async () => {
    const connectorFor = await createConnectors([embedded], deps());
    expect(connectorFor(embedded)).toBeInstanceOf(EmbeddedConnector);
    expect(() => connectorFor(salesforce)).toThrow('no connector for configuration "sf"');
  });

  it('loads a remote adapter when a configuration names its type', async () => {
    secrets.set('SF_CLIENT_SECRET', 'not-a-real-secret');
    try {
      const connector = await createConnector(salesforce, deps());
      expect(connector).not.toBeInstanceOf(EmbeddedConnector);
      expect(typeof connector.findByPhone).toBe('function');
    } finally {
      secrets.delete('SF_CLIENT_SECRET');
    }
  });

  it('stops the start at a missing secret, naming the configuration and the variable', async () => {
    await expect(createConnectors([embedded, zendesk], deps())).rejects.toThrow('CRM configuration "zd" needs the secret ZENDESK_API_TOKEN; set it in the environment');
    await expect(createConnectors([salesforce, embedded], deps())).rejects.toThrow('CRM configuration "sf" needs the secret SF_CLIENT_SECRET');
  });
});
