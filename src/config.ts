import { resolve } from 'node:path';
import { z } from 'zod';
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

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978), // 0: any free port
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
  DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US or GB')
    .default('US'),
  CRM_CONFIG_FILE: z.string().default('config/crm-configurations.json'),
  REASON_CODES: list('Lunch,Break,Meeting,Training,Personal'),
  DISPOSITIONS: list('Resolved,Follow-up needed,Escalated,Callback requested,Wrong number'),
  SEED_DEMO_DATA: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AppConfig {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  bot: { appId: string | undefined; password: string | undefined; type: string; tenantId: string | undefined };
  supervisorIds: string[];
  acdSimulator: boolean;
  defaultRegion: string;
  crmConfigFile: string;
  crm: CrmConfigurations;
  reasonCodes: string[];
  dispositions: string[];
  seedDemoData: boolean;
  logLevel: string;
}

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
  const crmConfigFile = resolve(e.CRM_CONFIG_FILE);
  return {
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    bot: { appId: botId, password: e.SECRET_BOT_PASSWORD, type: e.BOT_TYPE, tenantId: e.BOT_TENANT_ID },
    supervisorIds: e.SUPERVISOR_IDS,
    // The simulator places calls from chat; it is on for local runs and off for a real bot unless asked.
    acdSimulator: e.ACD_SIMULATOR === 'on' || (e.ACD_SIMULATOR === 'auto' && !botId),
    defaultRegion: e.DEFAULT_REGION,
    crmConfigFile,
    crm: loadCrmConfigurations(crmConfigFile),
    reasonCodes: e.REASON_CODES,
    dispositions: e.DISPOSITIONS,
    seedDemoData: e.SEED_DEMO_DATA === 'on',
    logLevel: e.LOG_LEVEL,
  };
}

/** What is safe to log about the configuration: no password, no secret. */
export function redactedSummary(config: AppConfig): Record<string, unknown> {
  return {
    port: config.port,
    database: config.databaseUrl ? 'postgres' : `sqlite in ${config.dataDir}`,
    botId: config.bot.appId ?? '(none: anonymous local mode)',
    botPassword: config.bot.password ? '(set)' : '(not set)',
    supervisors: config.supervisorIds.length,
    acdSimulator: config.acdSimulator,
    crmConfigurations: config.crm.configurations.map((c) => `${c.id} (${c.connector.type})`),
  };
}
