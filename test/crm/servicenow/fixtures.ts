import { pino, type Logger } from 'pino';
import type { ConnectorDeps } from '../../../src/crm/connectorDeps.js';
import type { ContractNames } from '../connectorContract.js';
import { servicenowConnectorSchema, type ServiceNowConnectorConfig } from '../../../src/crm/servicenow/config.js';
import type { ServiceNowWireServer, WireServerOptions } from './wireServer.js';

/** What the ServiceNow test files share: the integration user's secrets, the server's and connector's settings. */
export const SECRETS: Record<string, string> = {
  SECRET_SN_CLIENT_SECRET: 'cl1ent-S3cret-value-7Hq',
  SECRET_SN_USERNAME: 'cc.integration',
  SECRET_SN_PASSWORD: 'pa55-W0rd-value-9Zx',
};
export const CLIENT_ID = 'be3aeb583ace210011c15b24a43e25d8';
export function serverOptions(overrides: Partial<WireServerOptions> = {}): WireServerOptions {
  return {
    username: SECRETS.SECRET_SN_USERNAME!,
    password: SECRETS.SECRET_SN_PASSWORD!,
    clientId: CLIENT_ID,
    clientSecret: SECRETS.SECRET_SN_CLIENT_SECRET,
    customColumns: { customer_contact: ['u_last_agent', 'u_last_disposition', 'u_last_contact_at'] },
    mandatory: { incident: ['short_description'] },
    ...overrides,
  };
}

export function connectorConfig(server: ServiceNowWireServer, overrides: Record<string, unknown> = {}): ServiceNowConnectorConfig {
  return servicenowConnectorSchema.parse({
    type: 'servicenow',
    instanceUrl: server.url,
    auth: {
      kind: 'oauth-password',
      clientId: CLIENT_ID,
      clientSecretEnv: 'SECRET_SN_CLIENT_SECRET',
      usernameEnv: 'SECRET_SN_USERNAME',
      passwordEnv: 'SECRET_SN_PASSWORD',
    },
    pageSize: 2,
    ...overrides,
  });
}

export function deps(logger: Logger = pino({ level: 'silent' }), clock: () => Date = () => new Date()): ConnectorDeps {
  return {
    clock,
    defaultRegion: 'US',
    secret: (name) => SECRETS[name],
    logger,
  };
}

/** The contract suite's types and fields in ServiceNow's names (CSM tables). */
export const NAMES: ContractNames = {
  types: { account: 'customer_account', contact: 'customer_contact', lead: 'csm_consumer', case: 'sn_customerservice_case' },
  fields: {
    account: { name: 'name', phone: 'phone' },
    contact: {
      firstName: 'first_name',
      lastName: 'last_name',
      title: 'title',
      phone: 'phone',
      mobilePhone: 'mobile_phone',
      homePhone: 'home_phone',
      email: 'email',
      accountId: 'account',
    },
    // ServiceNow has no lead: the contract's leads are consumers (B2C people); "company" has no column there.
    lead: { firstName: 'first_name', lastName: 'last_name', phone: 'business_phone', mobilePhone: 'mobile_phone', homePhone: 'home_phone', email: 'email' },
    case: {
      subject: 'short_description',
      status: 'state',
      caseNumber: 'number',
      contactId: 'contact',
      accountId: 'account',
      priority: 'priority',
      description: 'description',
    },
  },
  /** Computed by ServiceNow: the full name of a contact, the number of a case. */
  readOnly: { contact: 'name', case: 'number' },
  /** ServiceNow has no leads: the suite's leads are consumers, people. */
  roles: { lead: 'person' },
};
