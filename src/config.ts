import { resolve } from 'node:path';
import { z } from 'zod';
import { acdEnvShape, acdSettings, type AcdSettings } from './acd/acdConfig.js';
import { describeTab, tabEnvShape, tabSettings, type OnBehalfOfConfig, type TabIdentityConfig } from './auth/tabConfig.js';
import { ConfigError } from './configError.js';
import { digitalConfigFrom, type DigitalConfig } from './digital/digitalConfig.js';
import { wfmConfigFrom, type WfmConfig } from './wfm/wfmConfig.js';
import { describeIssues } from './domain/errors.js';
import { list, wholeNumber, unsetIfEmpty } from './envFields.js';
import { loadCrmConfigurations, type CrmConfigurations } from './workflows/configuration.js';

export { ConfigError } from './configError.js';
export type { JsonWebKeySet, OnBehalfOfConfig, TabIdentityConfig } from './auth/tabConfig.js';

const envSchema = z.object({
  PORT: wholeNumber(0, 65535, 3978), // 0: any free port
  /** The address to listen on (default: 0.0.0.0 with BOT_ID, 127.0.0.1 without: anonymous mode is for this machine only). */
  HOST: unsetIfEmpty(z.string().regex(/^[0-9A-Za-z.:-]+$/, 'must be an address such as 127.0.0.1, 0.0.0.0 or ::')),
  /** How long a client may take to send a request's headers, then the whole request, in milliseconds (408 and closed after). */
  HTTP_HEADERS_TIMEOUT_MS: wholeNumber(100, 600_000, 5_000),
  HTTP_REQUEST_TIMEOUT_MS: wholeNumber(100, 600_000, 5_000),
  /** Open connections one client address may hold; more are closed as they arrive (0: no cap). */
  HTTP_MAX_CONNECTIONS_PER_CLIENT: wholeNumber(0, 100_000, 256),
  /** Where the Bot Framework's signing keys are published (the OpenID metadata document of the channel). */
  BOT_OPENID_METADATA_URL: unsetIfEmpty(z.string().url('must be a URL such as https://login.botframework.com/v1/.well-known/openidconfiguration')),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  /** The bot's Microsoft app ID; without it the bot accepts anonymous activities (local use only). */
  BOT_ID: z.string().optional(),
  SECRET_BOT_PASSWORD: z.string().optional(),
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  BOT_TENANT_ID: z.string().optional(),
  /** Teams AAD object IDs of supervisors, comma-separated. */
  SUPERVISOR_IDS: list(''),
  ACD_SIMULATOR: z.enum(['on', 'off', 'auto']).default('auto'),
  ...acdEnvShape, // the contact-center ingress: src/acd/acdConfig.ts
  ...tabEnvShape, // the personal tab's Entra app: src/auth/tabConfig.ts
  /** What the card message itself shows: the shared read-only view (Teams refreshes the owner's), or the owner's. */
  CARD_MESSAGE_VIEW: z.enum(['shared', 'owner', 'auto']).default('auto'),
  DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US or GB')
    .default('US'),
  CRM_CONFIG_FILE: z.string().default('config/crm-configurations.json'),
  REASON_CODES: list('Lunch,Break,Meeting,Training,Personal'),
  DISPOSITIONS: list('Resolved,Follow-up needed,Escalated,Callback requested,Wrong number'),
  SEED_DEMO_DATA: z.enum(['on', 'off']).default('on'),
  /** How long a dead worker's ACW jobs wait before another worker takes them over (a live one renews it). */
  JOB_LEASE_MS: wholeNumber(1_000, 600_000, 10_000),
  /** How often a worker renews the lease of the jobs it runs: less than JOB_LEASE_MS. */
  JOB_HEARTBEAT_MS: wholeNumber(100, 600_000, 3_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AppConfig extends AcdSettings {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  bot: {
    appId: string | undefined;
    password: string | undefined;
    type: string;
    tenantId: string | undefined;
    /** The OpenID metadata document whose keys sign the tokens Teams sends (the Bot Framework's, unless set). */
    openIdMetadataUrl: string;
  };
  http: HttpConfig;
  supervisorIds: string[];
  acdSimulator: boolean;
  /**
   * `shared`: the message holds the read-only view and its refresh gives the owner theirs (Teams' user
   * specific views). `owner`: the message holds the owner's view, for local clients without user specific
   * views (the Agents Playground), where the chat is the agent's alone.
   */
  cardMessageView: 'shared' | 'owner';
  defaultRegion: string;
  crmConfigFile: string;
  crm: CrmConfigurations;
  reasonCodes: string[];
  dispositions: string[];
  seedDemoData: boolean;
  /** The ACW job worker's lease and heartbeat (src/jobs/worker.ts). */
  jobs: { leaseMs: number; heartbeatMs: number };
  logLevel: string;
  tab: TabIdentityConfig;
  /** Set when the tab's Entra app has a client secret: the server may then get tokens as the agent. */
  onBehalfOf: OnBehalfOfConfig | undefined;
  /** Digital channels: concurrency, agents' skills, identity mapping, token lifetime (src/digital/digitalConfig.ts). */
  digital: DigitalConfig;
  /** Workforce data: the site's time zone, service level, adherence and alerts (src/wfm/wfmConfig.ts). */
  wfm: WfmConfig;
}

export interface HttpConfig {
  host: string;
  /** Why that address, in words for the start-up log. */
  hostReason: string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** 0: no cap. */
  maxConnectionsPerClient: number;
}

/** Where Teams' tokens are checked by default: the Bot Framework channel's published keys. */
export const BOT_FRAMEWORK_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

/** Reads and validates the whole configuration once, at start. A bad value stops the start, naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`environment: ${describeIssues(parsed.error.issues)}`);
  const e = parsed.data;
  const botId = e.BOT_ID?.trim() || undefined;
  if (botId && !e.SECRET_BOT_PASSWORD && e.BOT_TYPE !== 'UserAssignedMSI') {
    throw new ConfigError('environment: SECRET_BOT_PASSWORD: required when BOT_ID is set');
  }
  if (e.BOT_TYPE === 'SingleTenant' && !e.BOT_TENANT_ID) {
    throw new ConfigError('environment: BOT_TENANT_ID: required when BOT_TYPE is SingleTenant');
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('environment: HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (e.JOB_HEARTBEAT_MS >= e.JOB_LEASE_MS) {
    throw new ConfigError(`environment: JOB_HEARTBEAT_MS: must be less than JOB_LEASE_MS (${e.JOB_LEASE_MS}), or a live job's lease runs out`);
  }
  const crmConfigFile = resolve(e.CRM_CONFIG_FILE);
  const { tab, onBehalfOf } = tabSettings(e, botId);
  return {
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    bot: {
      appId: botId,
      password: e.SECRET_BOT_PASSWORD,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL ?? BOT_FRAMEWORK_OPENID_METADATA_URL,
    },
    http: {
      ...listenAddress(e.HOST, botId),
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      maxConnectionsPerClient: e.HTTP_MAX_CONNECTIONS_PER_CLIENT,
    },
    supervisorIds: e.SUPERVISOR_IDS,
    // The simulator places calls from chat; it is on for local runs and off for a real bot unless asked.
    acdSimulator: e.ACD_SIMULATOR === 'on' || (e.ACD_SIMULATOR === 'auto' && !botId),
    ...acdSettings(e),
    digital: partSettings(digitalConfigFrom, env),
    wfm: partSettings(wfmConfigFrom, env),
    cardMessageView: e.CARD_MESSAGE_VIEW === 'auto' ? (botId ? 'shared' : 'owner') : e.CARD_MESSAGE_VIEW,
    defaultRegion: e.DEFAULT_REGION,
    crmConfigFile,
    crm: loadCrmConfigurations(crmConfigFile),
    reasonCodes: e.REASON_CODES,
    dispositions: e.DISPOSITIONS,
    seedDemoData: e.SEED_DEMO_DATA === 'on',
    jobs: { leaseMs: e.JOB_LEASE_MS, heartbeatMs: e.JOB_HEARTBEAT_MS },
    logLevel: e.LOG_LEVEL,
    tab,
    onBehalfOf,
  };
}

/** Anonymous mode (no BOT_ID) lets anyone who reaches the port act as any agent: by default only this machine may. */
function listenAddress(host: string | undefined, botId: string | undefined): { host: string; hostReason: string } {
  if (host) return { host, hostReason: 'HOST is set' };
  return botId
    ? { host: '0.0.0.0', hostReason: 'BOT_ID is set: every activity needs a Bot Framework token, so any address may reach it' }
    : { host: '127.0.0.1', hostReason: 'no BOT_ID: activities are anonymous, so only this machine may reach it (set HOST to change)' };
}

/** What is safe to log about the configuration: no password, no secret. */
export function redactedSummary(config: AppConfig): Record<string, unknown> {
  return {
    port: config.port,
    listen: `${config.http.host} (${config.http.hostReason})`,
    database: config.databaseUrl ? 'postgres' : `sqlite in ${config.dataDir}`,
    botId: config.bot.appId ?? '(none: anonymous local mode)',
    botPassword: config.bot.password ? '(set)' : '(not set)',
    supervisors: config.supervisorIds.length,
    acdSimulator: config.acdSimulator,
    acdEventSources: config.acdEventSecrets.size ? [...config.acdEventSecrets.keys()] : '(none: POST /api/acd/events answers 401)',
    cardMessageView: config.cardMessageView,
    crmConfigurations: config.crm.configurations.map((c) => `${c.id} (${c.connector.type})`),
    tab: describeTab(config.tab),
    onBehalfOf: config.onBehalfOf ? `client ${config.onBehalfOf.clientId} at ${config.onBehalfOf.authority} (secret set)` : '(off: no SECRET_AAD_APP_CLIENT_SECRET)',
  };
}

/** A part's own settings (digital, workforce), its message named as the environment's. */
function partSettings<T>(read: (env: NodeJS.ProcessEnv) => T, env: NodeJS.ProcessEnv): T {
  try {
    return read(env);
  } catch (error) {
    throw new ConfigError(`environment: ${(error as Error).message}`);
  }
}
