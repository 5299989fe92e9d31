import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { ConnectorDeps } from '../../../src/crm/connectorDeps.js';
import { parseFilter } from '../../../src/crm/filter.js';
import type { CrmConnector } from '../../../src/crm/port.js';
import { createSalesforceConnector, salesforceConnectorSchema } from '../../../src/crm/salesforce/index.js';
import type { CrmRecord } from '../../../src/domain/crmRecord.js';
import { parseCrmConfigurations, type CrmConfigurations } from '../../../src/workflows/configuration.js';
import type { ContractNames } from '../connectorContract.js';
import { SalesforceWireServer } from './wireServer.js';

/** What the Salesforce test files share: credentials, the connector over a wire server, an engine configuration. */

export const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export const credentials = {
  clientId: '3MVG9localTestConsumerKey.forCustomerCard',
  clientSecret: `cs-${randomBytes(12).toString('hex')}`,
  username: 'integration@acme.example',
  password: `pw-${randomBytes(8).toString('hex')}`,
  securityToken: `st${randomBytes(8).toString('hex')}`,
  jwtPublicKey: keys.publicKey,
};

export const ENV: Record<string, string> = {
  SECRET_SF_CLIENT_SECRET: credentials.clientSecret,
  SECRET_SF_PASSWORD: credentials.password,
  SECRET_SF_SECURITY_TOKEN: credentials.securityToken,
  SECRET_SF_JWT_KEY: privatePem,
  SECRET_SF_OTHER_KEY: otherPem,
};

/**
 * The suite's names in Salesforce. Written as an assertion: the contract suite's canonical part (issue 11)
 * adds accountId, priority, description and readOnly, which this branch's ContractNames may not have yet.
 */
export const NAMES = {
  types: { account: 'Account', contact: 'Contact', lead: 'Lead', case: 'Case' },
  fields: {
    account: { name: 'Name', phone: 'Phone' },
    contact: {
      firstName: 'FirstName',
      lastName: 'LastName',
      title: 'Title',
      phone: 'Phone',
      mobilePhone: 'MobilePhone',
      homePhone: 'HomePhone',
      email: 'Email',
      accountId: 'AccountId',
    },
    lead: { firstName: 'FirstName', lastName: 'LastName', company: 'Company', phone: 'Phone', mobilePhone: 'MobilePhone', email: 'Email' },
    case: { subject: 'Subject', status: 'Status', caseNumber: 'CaseNumber', contactId: 'ContactId', accountId: 'AccountId', priority: 'Priority', description: 'Description' },
  },
  // Derived and read-only in Salesforce: a contact's full name, a case's auto-number.
  readOnly: { contact: 'Name', case: 'CaseNumber' },
} as ContractNames;

export const silent = pino({ level: 'silent' });
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 3000, maxRetryAfterMs: 3000 };
export const signal = new AbortController().signal;
export const opts = { signal };

export function deps(logger: Logger = silent): ConnectorDeps {
  return { clock: () => new Date(), defaultRegion: 'US', secret: (name) => ENV[name], logger };
}

export type AuthBlock = Record<string, unknown>;
export const clientCredentials: AuthBlock = { kind: 'clientCredentials', clientId: credentials.clientId, clientSecretEnv: 'SECRET_SF_CLIENT_SECRET' };

export function connectorBlock(server: SalesforceWireServer, auth: AuthBlock = clientCredentials, extra: Record<string, unknown> = {}) {
  return { type: 'salesforce', instanceUrl: server.url, apiVersion: '62.0', auth, retry: FAST_RETRY, ...extra };
}

export function connectorFor(server: SalesforceWireServer, auth: AuthBlock = clientCredentials, logger: Logger = silent, extra: Record<string, unknown> = {}): CrmConnector {
  return createSalesforceConnector(connectorBlock(server, auth, extra) as never, 'sf-test', deps(logger));
}

export async function startServer(pageSize = 2): Promise<SalesforceWireServer> {
  const server = new SalesforceWireServer({ credentials, pageSize });
  await server.start();
  return server;
}

export const ids = (records: CrmRecord[]) => records.map((r) => r.id).sort();
export const query = (connector: CrmConnector, entity: string, filter: string, limit = 50) => connector.query(entity, parseFilter(filter), { signal, limit });
export const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
export const uniq = () => randomBytes(4).toString('hex');

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

export function engineConfigurations(server: SalesforceWireServer): CrmConfigurations {
  const parsed = parseCrmConfigurations(
    JSON.stringify({
      integrationsEnabled: true,
      configurations: [
        {
          id: 'sf-test',
          name: 'Salesforce (local wire server)',
          connector: { type: 'embedded' },
          workflows: [
            { id: 'search-ani', name: 'Search for ANI', kind: 'search', variant: 'ani' },
            { id: 'custom-search', name: 'Custom Search', kind: 'search', variant: 'custom' },
            { id: 'create-contact', name: 'Create Contact', kind: 'create', variant: 'standard', recordType: 'contact' },
            { id: 'create-work-order', name: 'Create Work Order', kind: 'create', variant: 'standard', recordType: 'work_order' },
            { id: 'create-case', name: 'Create Case', kind: 'create', variant: 'standard', recordType: 'case' },
            { id: 'create-custom-record', name: 'Create Custom Record', kind: 'create', variant: 'custom' },
            { id: 'update-record', name: 'Update Record', kind: 'update' },
            { id: 'timeline', name: 'Timeline', kind: 'timeline', subject: 'Inbound call' },
            { id: 'memorialize', name: 'Data Memorialization', kind: 'memorialization' },
          ],
          memorializationMappings: [
            { source: 'agent.name', target: 'Last_Agent__c', recordTypes: ['Contact', 'Account', 'Lead'] },
            { source: 'interaction.disposition', target: 'Last_Disposition__c' },
            { source: 'interaction.id', target: 'Last_Interaction_Id__c' },
          ],
        },
      ],
    }),
    'salesforce test configurations',
  );
  // The registry does not know the salesforce type yet; the engine reads only connectorFor.
  (parsed.configurations[0] as { connector: unknown }).connector = salesforceConnectorSchema.parse(connectorBlock(server));
  return parsed;
}
