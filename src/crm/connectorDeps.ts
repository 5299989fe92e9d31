import type { Logger } from 'pino';

/**
 * What a connector factory may use. Each adapter owns its connection; nothing here is CRM-specific. The
 * product's database is not here: only the embedded CRM lives in it (EmbeddedDeps).
 */
export interface ConnectorDeps {
  clock: () => Date;
  /** How phone numbers without a country code are read. */
  defaultRegion: string;
  /** A secret by name (an environment variable), or undefined; adapters never log what it returns. */
  secret: (name: string) => string | undefined;
  logger: Logger;
}

/** A secret the configuration names and the environment must provide; the error names both. */
export function requireSecret(deps: Pick<ConnectorDeps, 'secret'>, name: string, configurationId: string): string {
  const value = deps.secret(name);
  if (!value) throw new Error(`CRM configuration "${configurationId}" needs the secret ${name}; set it in the environment`);
  return value;
}
