import { pino, type Logger } from 'pino';
import type { ConnectorDeps } from '../../../src/crm/connectorDeps.js';
import { dynamicsConnectorSchema, type DynamicsConnectorConfigInput } from '../../../src/crm/dynamics/config.js';
import { createDynamicsConnector } from '../../../src/crm/dynamics/index.js';
import type { CrmConnector } from '../../../src/crm/port.js';
import type { ContractNames } from '../connectorContract.js';
import type { DataverseWireServer } from './wireServer.js';

/** A Dynamics connector configured for a local wire server (its sign-in service's certificate trusted). */
export const SECRET_ENV = 'SECRET_DYNAMICS_CLIENT_SECRET';
export const opts = () => ({ signal: new AbortController().signal });

export function configFor(server: DataverseWireServer, extra: Partial<DynamicsConnectorConfigInput> = {}): DynamicsConnectorConfigInput {
  return {
    type: 'dynamics',
    serverUrl: server.url,
    auth: { kind: 'clientSecret', tenantId: server.tenantId, clientId: server.clientId, clientSecretEnv: SECRET_ENV, authorityHost: server.authorityHost },
    pageSize: 2,
    ...extra,
  };
}

export function connectorFor(server: DataverseWireServer, options: { logger?: Logger; secret?: string; config?: Partial<DynamicsConnectorConfigInput>; id?: string } = {}): CrmConnector {
  const deps = {
    secret: (name: string) => (name === SECRET_ENV ? (options.secret ?? server.clientSecret) : undefined),
    logger: options.logger ?? pino({ level: 'silent' }),
    defaultRegion: 'US',
    clock: () => new Date(),
  } satisfies ConnectorDeps;
  const config = dynamicsConnectorSchema.parse(configFor(server, options.config));
  return createDynamicsConnector(config, options.id ?? 'dynamics-test', deps, { signInAgentOptions: { ca: server.ca } });
}

/** A pino logger whose every line lands in `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }), lines };
}

/**
 * The contract suite's types and fields in Dataverse's names. The case and person's organization fields and
 * `readOnly` are for the suite's canonical-model cases (issue 11), which come with the core's contract; the
 * assertion keeps this file compiling against the suite before and after they land.
 */
export const NAMES = {
  types: { account: 'account', contact: 'contact', lead: 'lead', case: 'incident' },
  fields: {
    account: { name: 'name', phone: 'telephone1' },
    contact: {
      firstName: 'firstname',
      lastName: 'lastname',
      title: 'jobtitle',
      phone: 'telephone1',
      mobilePhone: 'mobilephone',
      homePhone: 'telephone2',
      email: 'emailaddress1',
      accountId: 'parentcustomerid_account',
    },
    lead: { firstName: 'firstname', lastName: 'lastname', company: 'companyname', phone: 'telephone1', email: 'emailaddress1' },
    case: {
      subject: 'title',
      status: 'statuscode',
      caseNumber: 'ticketnumber',
      contactId: 'customerid_contact',
      accountId: 'customerid_account',
      priority: 'prioritycode',
      description: 'description',
    },
  },
  readOnly: { contact: 'fullname', case: 'ticketnumber' },
} as ContractNames;
