/**
 * The Teams Toolkit's environment files: `env/.env.<env>` (committed, no secrets) and
 * `env/.env.<env>.user` (git-ignored, secrets such as SECRET_BOT_PASSWORD), dotenv syntax.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A variable's value and the file (or "the environment") it came from. */
export interface EnvValue {
  value: string;
  source: string;
}

export interface LoadedEnv {
  envName: string;
  values: Record<string, EnvValue>;
  /** Files read, relative to the root, in order of precedence (later wins). */
  filesRead: string[];
  /** The committed env file, relative to the root: where a missing plain variable belongs. */
  envFile: string;
  /** The git-ignored secrets file, relative to the root: where a missing SECRET_ variable belongs. */
  userFile: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Parses dotenv text. `KEY=` with nothing after it means "declared, not set yet" (what the toolkit
 * fills during provision) and is left out; `KEY=""` is a deliberate empty value and is kept.
 * Supports `export KEY=...`, `#` comment lines, inline ` #` comments after unquoted values, and single
 * or double quotes (double quotes understand \n, \r, \t, \" and \\).
 */
export function parseEnvFile(text: string, fileLabel = 'env file'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.startsWith('export ') ? trimmed.slice('export '.length).trimStart() : trimmed;
    const eq = body.indexOf('=');
    const key = eq > 0 ? body.slice(0, eq).trim() : '';
    if (!KEY.test(key)) {
      throw new Error(`${fileLabel}:${index + 1}: expected KEY=VALUE, got "${trimmed}"`);
    }
    const rest = body.slice(eq + 1).trim();
    if (rest === '' || rest.startsWith('#')) return; // declared, not set
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let value = '';
      let i = 1;
      for (; i < rest.length && rest[i] !== quote; i++) {
        const c = rest[i] as string;
        if (quote === '"' && c === '\\' && i + 1 < rest.length) {
          const next = rest[++i] as string;
          value += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[next] ?? next;
        } else value += c;
      }
      if (i >= rest.length) throw new Error(`${fileLabel}:${index + 1}: unterminated ${quote} quote for ${key}`);
      const after = rest.slice(i + 1).trim();
      if (after !== '' && !after.startsWith('#')) {
        throw new Error(`${fileLabel}:${index + 1}: unexpected text after the quoted value of ${key}`);
      }
      out[key] = value;
      return;
    }
    const comment = rest.search(/\s#/);
    out[key] = (comment >= 0 ? rest.slice(0, comment) : rest).trim();
  });
  return out;
}

/** Where a missing variable should be set, for error messages. */
export function whereToSet(name: string, env: Pick<LoadedEnv, 'envFile' | 'userFile'>): string {
  return name.startsWith('SECRET_') ? `${env.userFile} (git-ignored, for secrets)` : env.envFile;
}

/**
 * Reads `env/.env.<envName>` (required) and `env/.env.<envName>.user` (optional) under rootDir, then
 * applies non-empty overrides from processEnv. Later sources win.
 */
export function loadEnv(rootDir: string, envName: string, processEnv: NodeJS.ProcessEnv = {}): LoadedEnv {
  if (!ENV_NAME.test(envName)) {
    throw new Error(`bad environment name "${envName}": use letters, digits, "-" and "_" (e.g. local, dev)`);
  }
  const envFile = `env/.env.${envName}`;
  const userFile = `${envFile}.user`;
  const envPath = path.join(rootDir, envFile);
  if (!existsSync(envPath)) {
    throw new Error(`${envFile} not found: create it (see env/README.md) or pick another --env`);
  }
  const values: Record<string, EnvValue> = {};
  const filesRead: string[] = [];
  for (const file of [envFile, userFile]) {
    const full = path.join(rootDir, file);
    if (!existsSync(full)) continue;
    filesRead.push(file);
    for (const [key, value] of Object.entries(parseEnvFile(readFileSync(full, 'utf8'), file))) {
      values[key] = { value, source: file };
    }
  }
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined && value !== '' && KEY.test(key)) values[key] = { value, source: 'the environment' };
  }
  return { envName, values, filesRead, envFile, userFile };
}
