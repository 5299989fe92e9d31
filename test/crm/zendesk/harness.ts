import { pino, type Logger } from 'pino';
import type { ConnectorDeps } from '../../../src/crm/connectorDeps.js';
import type { CrmConnector } from '../../../src/crm/port.js';
import { createZendeskConnector, zendeskConnectorSchema } from '../../../src/crm/zendesk/index.js';
import type { ContractNames } from '../connectorContract.js';
import { ZendeskWireServer } from './wireServer.js';

/** Test credentials: what the suites check never leaks. */
export const AGENT_EMAIL = 'integration@acme.example';
export const API_TOKEN = 'zdtok-5ecret-6f1d2c9a7b3e4d5f';
export const OAUTH_TOKEN = 'zdoauth-5ecret-0a9b8c7d6e5f4a3b';
export const TOKEN_ENV = 'SECRET_ZENDESK_API_TOKEN';
export const OAUTH_ENV = 'SECRET_ZENDESK_OAUTH_TOKEN';

/**
 * How the contract suite's types and fields are named in Zendesk. Contacts and leads are both end users
 * (Zendesk has no leads); an account is an organization, a case a ticket whose number is its id. Zendesk users
 * have one name (the suite's lastName); first name, title, mobile and home phone, company are custom user
 * fields; an organization's phone is a custom organization field. A lead's email is the custom field
 * "lead_email": a user's email is a unique login identity in Zendesk, and the suite gives a contact and a
 * lead the same address.
 */
const names = {
  types: { account: 'organization', contact: 'user', lead: 'user', case: 'ticket' },
  fields: {
    account: { name: 'name', phone: 'phone' },
    contact: {
      firstName: 'first_name',
      lastName: 'name',
      title: 'title',
      phone: 'phone',
      mobilePhone: 'mobile_phone',
      homePhone: 'home_phone',
      email: 'email',
      accountId: 'organization_id',
    },
    lead: { firstName: 'first_name', lastName: 'name', company: 'company', phone: 'phone', email: 'lead_email' },
    case: {
      subject: 'subject',
      status: 'status',
      caseNumber: 'id',
      contactId: 'requester_id',
      accountId: 'organization_id',
      priority: 'priority',
      description: 'description',
    },
  },
  /** Zendesk computes these. */
  readOnly: { account: 'created_at', contact: 'created_at', case: 'created_at' },
  /** Zendesk Support has no leads: the suite's leads are end users, people. */
  roles: { lead: 'person' },
} as const;
// Declared apart so the names the contract suite gained with issue 11 (accountId, readOnly) pass either way.
export const ZENDESK_NAMES: ContractNames = names;

/**
 * The contract suite's partial refusal: the Search API answers 403 to queries of that type (and, for
 * tickets, so does GET /tickets/{id}, which finds a case by number) until the returned function runs.
 */
export function refuseSearchOf(wire: ZendeskWireServer, contractType: string): Promise<() => Promise<void>> {
  const type = (names.types as Record<string, string>)[contractType] ?? contractType;
  const lifts = [wire.forbid(/^\/api\/v2\/search\.json$/, new RegExp(`(^| )type:${type}( |$)`))];
  if (type === 'ticket') lifts.push(wire.forbid(/^\/api\/v2\/tickets\/\d+\.json$/));
  return Promise.resolve(async () => lifts.forEach((lift) => lift()));
}

export function startWire(pageSize = 3): Promise<ZendeskWireServer> {
  return ZendeskWireServer.start({
    agentEmail: AGENT_EMAIL,
    apiTokens: [API_TOKEN],
    oauthTokens: [OAUTH_TOKEN],
    pageSize,
    userFields: [
      { key: 'first_name' },
      { key: 'last_name' },
      { key: 'title' },
      { key: 'mobile_phone' },
      { key: 'home_phone' },
      { key: 'company' },
      { key: 'lead_email' },
      { key: 'last_call_at', type: 'date', title: 'Last call' },
      { key: 'last_agent', title: 'Last agent' },
      { key: 'vip', type: 'checkbox', title: 'VIP' },
      { key: 'tier', title: 'Tier', options: ['gold', 'silver'] },
    ],
    organizationFields: [{ key: 'phone' }],
    ticketFields: [{ title: 'Call ID' }],
    customStatuses: [{ label: 'Working', category: 'open' }],
  });
}

export interface ConnectorSetup {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  config?: Record<string, unknown>;
}

/** The connector as the product builds it: a parsed configuration block and the factory. */
export function zendeskConnector(wire: ZendeskWireServer, setup: ConnectorSetup = {}): CrmConnector {
  const env = setup.env ?? { [TOKEN_ENV]: API_TOKEN };
  const config = zendeskConnectorSchema.parse({
    type: 'zendesk',
    instanceUrl: wire.url,
    auth: { kind: 'api-token', email: AGENT_EMAIL, apiTokenEnv: TOKEN_ENV },
    userPhoneFields: ['mobile_phone', 'home_phone'],
    organizationPhoneFields: ['phone'],
    userEmailFields: ['lead_email'],
    pageSize: 3,
    retry: { maxRetryAfterMs: 5_000 },
    ...setup.config,
  });
  const deps: ConnectorDeps = {
    clock: () => new Date(),
    defaultRegion: 'US',
    secret: (name) => env[name],
    logger: setup.logger ?? pino({ level: 'silent' }),
  };
  return createZendeskConnector(config, 'zendesk-test', deps);
}
