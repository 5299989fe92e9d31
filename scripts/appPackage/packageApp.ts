/**
 * Builds the Teams app package for one environment: env files → filled manifest → offline validation
 * → icon checks → appPackage/build/appPackage.<env>.zip. What `teamsApp/zipAppPackage` does in
 * teamsapp.yml, without the toolkit and without the network.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEnv, whereToSet, type LoadedEnv } from './envFiles.js';
import { checkColorIcon, checkOutlineIcon } from './icons.js';
import { fillPlaceholders, MissingVariablesError } from './placeholders.js';
import { validateManifest } from './validateManifest.js';
import { zipAppPackage, type PackageFile } from './zip.js';

export const APP_PACKAGE_DIR = 'appPackage';
export const MANIFEST_FILE = 'manifest.json';
export const BUILD_DIR = path.join(APP_PACKAGE_DIR, 'build');

export type PackageStage = 'env' | 'placeholders' | 'manifest';

/** A packaging failure with every problem found at that stage. */
export class PackageAppError extends Error {
  constructor(
    readonly stage: PackageStage,
    readonly problems: string[],
  ) {
    super(`${stage}: ${problems.join('; ')}`);
    this.name = 'PackageAppError';
  }
}

export interface PackageAppOptions {
  /** Repository root (holds env/ and appPackage/). */
  rootDir: string;
  envName: string;
  /** Overrides for the env files; the CLI passes process.env. */
  processEnv?: NodeJS.ProcessEnv;
  /** Where to write the zip; default <rootDir>/appPackage/build. */
  outDir?: string;
}

export interface BuiltPackage {
  env: LoadedEnv;
  manifest: Record<string, unknown>;
  files: PackageFile[];
  zip: Buffer;
}

export interface PackageAppResult extends BuiltPackage {
  zipPath: string;
  manifestPath: string;
}

function iconPath(manifest: Record<string, unknown>, kind: 'color' | 'outline'): string | undefined {
  const icons = manifest.icons;
  if (icons === null || typeof icons !== 'object') return undefined;
  const value = (icons as Record<string, unknown>)[kind];
  return typeof value === 'string' ? value : undefined;
}

async function readIcon(appDir: string, manifest: Record<string, unknown>, kind: 'color' | 'outline', problems: string[]): Promise<PackageFile | undefined> {
  const name = iconPath(manifest, kind);
  if (name === undefined) return undefined; // the schema already reports a missing icon
  const normalized = path.posix.normalize(name.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(normalized) || normalized.startsWith('..')) {
    problems.push(`icons.${kind}: must be a file inside ${APP_PACKAGE_DIR}/, is ${JSON.stringify(name)}`);
    return undefined;
  }
  const full = path.join(appDir, normalized);
  if (!existsSync(full)) {
    problems.push(`icons.${kind}: ${APP_PACKAGE_DIR}/${normalized} does not exist (run: npx tsx scripts/make-icons.ts)`);
    return undefined;
  }
  const data = await readFile(full);
  const label = `icons.${kind} (${APP_PACKAGE_DIR}/${normalized})`;
  problems.push(...(kind === 'color' ? checkColorIcon(data, label) : checkOutlineIcon(data, label)));
  return { name: normalized, data };
}

/** Everything but writing: returns the zip bytes, or throws PackageAppError. */
export async function buildAppPackage(options: PackageAppOptions): Promise<BuiltPackage> {
  const { rootDir, envName, processEnv = {} } = options;
  let env: LoadedEnv;
  try {
    env = loadEnv(rootDir, envName, processEnv);
  } catch (e) {
    throw new PackageAppError('env', [(e as Error).message]);
  }

  const appDir = path.join(rootDir, APP_PACKAGE_DIR);
  const manifestFile = `${APP_PACKAGE_DIR}/${MANIFEST_FILE}`;
  let template: unknown;
  try {
    template = JSON.parse(await readFile(path.join(appDir, MANIFEST_FILE), 'utf8'));
  } catch (e) {
    throw new PackageAppError('manifest', [`${manifestFile}: ${(e as Error).message}`]);
  }

  const values = Object.fromEntries(Object.entries(env.values).map(([k, v]) => [k, v.value]));
  let filled: unknown;
  try {
    filled = fillPlaceholders(template, values, (name) => whereToSet(name, env));
  } catch (e) {
    if (e instanceof MissingVariablesError) {
      throw new PackageAppError(
        'placeholders',
        e.missing.map((name) => `\${{${name}}} in ${manifestFile} has no value: set ${name} in ${whereToSet(name, env)}`),
      );
    }
    throw e;
  }

  const problems = await validateManifest(filled);
  const manifest = filled as Record<string, unknown>;
  const files: PackageFile[] = [{ name: MANIFEST_FILE, data: `${JSON.stringify(manifest, null, 2)}\n` }];
  if (manifest !== null && typeof manifest === 'object' && !Array.isArray(manifest)) {
    for (const kind of ['color', 'outline'] as const) {
      const icon = await readIcon(appDir, manifest, kind, problems);
      if (icon && !files.some((f) => f.name === icon.name)) files.push(icon);
    }
  }
  if (problems.length > 0) throw new PackageAppError('manifest', problems);

  return { env, manifest, files, zip: await zipAppPackage(files) };
}

/** Builds and writes appPackage.<env>.zip (and the filled manifest.<env>.json beside it). */
export async function packageApp(options: PackageAppOptions): Promise<PackageAppResult> {
  const built = await buildAppPackage(options);
  const outDir = options.outDir ?? path.join(options.rootDir, BUILD_DIR);
  await mkdir(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${options.envName}.zip`);
  const manifestPath = path.join(outDir, `manifest.${options.envName}.json`);
  await writeFile(zipPath, built.zip);
  await writeFile(manifestPath, `${JSON.stringify(built.manifest, null, 2)}\n`);
  return { ...built, zipPath, manifestPath };
}
