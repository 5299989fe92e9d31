import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../configError.js';
import { describeIssues } from '../domain/errors.js';
import { guid, unsetIfEmpty } from '../envFields.js';

/** The environment variables of the personal tab's identity (Teams SSO) and on-behalf-of; config.ts adds them to its schema. */
export const tabEnvShape = {
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
};

type TabEnv = { [K in keyof typeof tabEnvShape]?: z.infer<(typeof tabEnvShape)[K]> };

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

export function tabSettings(e: TabEnv, botId: string | undefined): { tab: TabIdentityConfig; onBehalfOf: OnBehalfOfConfig | undefined } {
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

export function describeTab(tab: TabIdentityConfig): string {
  if (tab.mode === 'local') return 'local identity picker (no BOT_ID)';
  if (!tab.sso) return 'off: BOT_ID is set but AAD_APP_CLIENT_ID is not, so every tab request gets 401';
  const keys = tab.sso.keys.kind === 'local' ? `keys from ${tab.sso.keys.file}` : `keys from ${tab.sso.keys.url}`;
  return `Teams SSO for ${tab.sso.audiences.join(' or ')}, tenants ${tab.sso.tenantIds.join(', ')}, ${keys}`;
}
