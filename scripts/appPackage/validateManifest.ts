/**
 * Offline validation of a filled Teams app manifest.
 *
 * The JSON schema is loaded from the copy bundled in @microsoft/app-manifest and handed to
 * `AppManifestUtils.validateAgainstSchema(manifest, schema)`. Passing the schema ourselves matters:
 * without it the library resolves `$schema` itself and, for a URL it does not bundle, fetches it from
 * the network. Here a schema that is not bundled is an error instead.
 *
 * On top of the schema, a few rules Teams enforces on upload that the schema does not encode.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { findPlaceholders } from './placeholders.js';

type JsonSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[^/]+)\/MicrosoftTeams\.schema\.json$/i;
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** Folder of the Teams schemas shipped inside @microsoft/app-manifest. */
export function bundledSchemaDir(): string {
  const entry = createRequire(import.meta.url).resolve('@microsoft/app-manifest');
  return path.join(path.dirname(entry), 'json-schemas', 'teams');
}

/** Bundled Teams schema versions, e.g. ["v1.0", …, "v1.30", "vDevPreview"], numerically sorted. */
export function bundledSchemaVersions(): string[] {
  const dir = bundledSchemaDir();
  const versions = readdirSync(dir).filter((v) => existsSync(path.join(dir, v, 'MicrosoftTeams.schema.json')));
  const rank = (v: string) => {
    const m = /^v(\d+)\.(\d+)$/.exec(v);
    return m ? Number(m[1]) * 1000 + Number(m[2]) : Number.MAX_SAFE_INTEGER;
  };
  return versions.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const schemaCache = new Map<string, JsonSchema>();

/** Loads a bundled schema by folder name ("v1.30"); undefined when the package does not ship it. */
export function loadBundledSchema(version: string): JsonSchema | undefined {
  const cached = schemaCache.get(version);
  if (cached) return cached;
  const file = path.join(bundledSchemaDir(), version, 'MicrosoftTeams.schema.json');
  if (!/^v[A-Za-z0-9.]+$/.test(version) || !existsSync(file)) return undefined;
  // Same clean-up as the library's own loader: some schemas carry \a and \v escapes JSON does not allow.
  const text = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  const schema = JSON.parse(text) as JsonSchema;
  schemaCache.set(version, schema);
  return schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Turns the library's "/bots/0/botId must match pattern ... Details: {...}" strings into
 * "bots.0.botId: must match pattern ...", keeping only the details the message does not already say
 * (e.g. the name of an additional property).
 */
function formatSchemaError(raw: string): string {
  const match = /^(\S*) (.*?)\. Details: (.*)$/s.exec(raw);
  if (!match) return raw.trim();
  const [, where = '', message = '', details = ''] = match;
  const place = where ? where.slice(1).replace(/\//g, '.') : '(root)';
  let extra = '';
  try {
    const parsed = JSON.parse(details) as Record<string, unknown>;
    const unsaid = Object.entries(parsed).filter(([, v]) => !message.includes(String(v)));
    if (unsaid.length > 0) extra = ` (${unsaid.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')})`;
  } catch {
    if (details.trim() !== '') extra = ` (${details.trim()})`;
  }
  return `${place}: ${message}${extra}`;
}

/**
 * Validates a filled manifest offline. Returns the problems as readable sentences; empty means valid.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (!isObject(manifest)) return ['(root): the manifest must be a JSON object'];
  const problems: string[] = [];

  const leftovers = findPlaceholders(manifest);
  if (leftovers.length > 0) {
    problems.push(`unfilled placeholders: ${leftovers.map((n) => `\${{${n}}}`).join(', ')}`);
  }

  const schemaUrl = manifest.$schema;
  const match = typeof schemaUrl === 'string' ? SCHEMA_URL.exec(schemaUrl) : null;
  if (!match) {
    problems.push(`$schema: must be a Teams schema URL like https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json, is ${JSON.stringify(schemaUrl)}`);
    return problems;
  }
  const version = match[1] as string;
  const schema = loadBundledSchema(version);
  if (!schema) {
    problems.push(`$schema: Teams schema ${version} is not bundled with @microsoft/app-manifest, and it is not fetched from the network; ` + `bundled: ${bundledSchemaVersions().join(', ')}`);
    return problems;
  }
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
  problems.push(...schemaErrors.map(formatSchemaError));

  // Teams refuses an app version that is not MAJOR.MINOR.PATCH; the schema only says so in prose.
  if (typeof manifest.version === 'string' && !SEMVER.test(manifest.version)) {
    problems.push(`version: must be MAJOR.MINOR.PATCH (e.g. 1.0.0), is ${JSON.stringify(manifest.version)}`);
  }
  return problems;
}
