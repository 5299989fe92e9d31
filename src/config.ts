import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { acdEnvShape, acdSettings, type AcdSettings } from './acd/acdConfig.js';
import { digitalConfigFrom, type DigitalConfig } from './digital/digitalConfig.js';
import { describeIssues } from './domain/errors.js';
import { loadCrmConfigurations, type CrmConfigurations } from './workflows/configuration.js';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );

/** `KEY=` with nothing after it (what provision leaves for "not set yet") counts as not set. */
const unsetIfEmpty = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());
/**
 * A whole number from `min` to `max` (`KEY=` is not set: `fallback`). A wrong value is named in plain words with
 * what was given, e.g. PORT: must be a whole number from 0 to 65535 (got "abc").
 */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ?? '';
      if (value === '') return fallback;
      const number = /^\d+$/.test(value) ? Number(value) : NaN;
      if (number >= min && number <= max) return number;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(trimForMessage(value))})` });
      return z.NEVER;
    });
const trimForMessage = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const guid = z.string().regex(GUID, 'must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47');

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
  /** The tab's Entra app (the manifest's webApplicationInfo.id): Teams SSO tokens are issued for it. */
  AAD_APP_CLIENT_ID: unsetIfEmpty(guid),
  /** The Entra tenant of that app: its keys sign the tokens, and its agents may use the tab. */
  AAD_APP_TENANT_ID: unsetIfEmpty(guid),
  /** Tenants whose agents may use the tab, comma-separated (default: AAD_APP_TENANT_ID). */
  TAB_ALLOWED_TENANT_IDS: unsetIfEmpty(
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(guid).min(1)),
  ),
  /** The host the app is served from (no https://): names the default app ID URI api://<BOT_DOMAIN>/<client id>. */
  BOT_DOMAIN: unsetIfEmpty(z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'must be a host name without https://, such as customer-card.azurewebsites.net')),
  /** The app ID URI SSO tokens are issued for (default: api://<BOT_DOMAIN>/<AAD_APP_CLIENT_ID>). */
  TAB_APP_ID_URI: unsetIfEmpty(z.string().regex(/^api:\/\/\S+$/, 'must be an app ID URI such as api://customer-card.example.com/<client id>')),
  /** A JSON Web Key Set file to check SSO tokens against, instead of fetching the tenant's keys. */
  TAB_JWKS_FILE: unsetIfEmpty(z.string()),
  /** The Entra app's client secret, for the on-behalf-of flow (a token of the server's own, as the agent). */
  SECRET_AAD_APP_CLIENT_SECRET: unsetIfEmpty(z.string()),
  /** Where on-behalf-of tokens come from (default: https://login.microsoftonline.com/<AAD_APP_TENANT_ID>). */
  AAD_APP_OAUTH_AUTHORITY: unsetIfEmpty(
    z
      .string()
      .url('must be an https URL such as https://login.microsoftonline.com/<tenant id>')
      .regex(/^https:\/\//, 'must be an https URL'),
  ),
});

/** A JSON Web Key Set as read from TAB_JWKS_FILE: public keys only. */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/**
 * How the personal tab knows who is asking. `sso`: a Teams SSO token, checked against `keys` (the tenant's
 * published keys, or a local key set). `local`: without BOT_ID, the person picks who they are (local use).
 */
export type TabIdentityConfig =
  | {
      mode: 'sso';
      /** Undefined when BOT_ID is set but the tab's Entra app is not: then the tab lets nobody in. */
      sso:
        | {
            clientId: string;
            tenantIds: string[];
            /** What `aud` may be: the app ID URI (v1 tokens) and the client id (v2 tokens). */
            audiences: string[];
            keys: { kind: 'remote'; url: string } | { kind: 'local'; jwks: JsonWebKeySet; file: string };
          }
        | undefined;
    }
  | { mode: 'local' };

export interface OnBehalfOfConfig {
  clientId: string;
  clientSecret: string;
  authority: string;
}

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

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
  const { tab, onBehalfOf } = tabConfig(e, botId);
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
    digital: digitalSettings(env),
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

const jwksSchema = z.object({
  keys: z
    .array(
      z
        .object({ kty: z.string().min(1) })
        .passthrough()
        .refine((k) => !('d' in k), 'is a private key: give the public keys only'),
    )
    .min(1, 'must hold at least one key'),
});

function tabConfig(e: z.infer<typeof envSchema>, botId: string | undefined): { tab: TabIdentityConfig; onBehalfOf: OnBehalfOfConfig | undefined } {
  const clientId = e.AAD_APP_CLIENT_ID;
  const tenantIds = e.TAB_ALLOWED_TENANT_IDS ?? (e.AAD_APP_TENANT_ID ? [e.AAD_APP_TENANT_ID] : []);
  if (clientId && tenantIds.length === 0) {
    throw new ConfigError('environment: AAD_APP_TENANT_ID: required when AAD_APP_CLIENT_ID is set (the tenant whose agents may sign in to the tab)');
  }
  if (e.SECRET_AAD_APP_CLIENT_SECRET && !clientId) {
    throw new ConfigError('environment: AAD_APP_CLIENT_ID: required when SECRET_AAD_APP_CLIENT_SECRET is set');
  }
  const appIdUri = e.TAB_APP_ID_URI ?? (clientId && e.BOT_DOMAIN ? `api://${e.BOT_DOMAIN}/${clientId}` : undefined);
  const keysTenant = e.AAD_APP_TENANT_ID ?? tenantIds[0];
  const sso =
    clientId && keysTenant
      ? {
          clientId,
          tenantIds,
          audiences: [...(appIdUri ? [appIdUri] : []), clientId],
          keys: e.TAB_JWKS_FILE
            ? { kind: 'local' as const, jwks: readJwks(e.TAB_JWKS_FILE), file: resolve(e.TAB_JWKS_FILE) }
            : { kind: 'remote' as const, url: `https://login.microsoftonline.com/${keysTenant}/discovery/v2.0/keys` },
        }
      : undefined;
  const onBehalfOf =
    clientId && e.SECRET_AAD_APP_CLIENT_SECRET
      ? { clientId, clientSecret: e.SECRET_AAD_APP_CLIENT_SECRET, authority: e.AAD_APP_OAUTH_AUTHORITY ?? `https://login.microsoftonline.com/${keysTenant}` }
      : undefined;
  return { tab: botId ? { mode: 'sso', sso } : { mode: 'local' }, onBehalfOf };
}

function readJwks(file: string): JsonWebKeySet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (error) {
    throw new ConfigError(`environment: TAB_JWKS_FILE: cannot read ${file} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = jwksSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`environment: TAB_JWKS_FILE: ${file}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data as JsonWebKeySet;
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

function describeTab(tab: TabIdentityConfig): string {
  if (tab.mode === 'local') return 'local identity picker (no BOT_ID)';
  if (!tab.sso) return 'off: BOT_ID is set but AAD_APP_CLIENT_ID is not, so every tab request gets 401';
  const keys = tab.sso.keys.kind === 'local' ? `keys from ${tab.sso.keys.file}` : `keys from ${tab.sso.keys.url}`;
  return `Teams SSO for ${tab.sso.audiences.join(' or ')}, tenants ${tab.sso.tenantIds.join(', ')}, ${keys}`;
}

function digitalSettings(env: NodeJS.ProcessEnv): DigitalConfig {
  try {
    return digitalConfigFrom(env);
  } catch (error) {
    throw new ConfigError(`environment: ${(error as Error).message}`);
  }
}
