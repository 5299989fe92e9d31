import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BuildOptions } from 'esbuild';

/** One file of the tab as served: its bytes, gzipped bytes, type and entity tag. */
export interface TabAsset {
  body: Buffer;
  gzip: Buffer;
  contentType: string;
  etag: string;
}

/** Where the tab's page and client code live (the repository's tabs/ folder), seen from the sources. */
export const TABS_DIR = fileURLToPath(new URL('../../tabs/', import.meta.url));

/**
 * Where `npm run build` writes the built tab: a `tabs/` folder next to the server bundle (dist/tabs/). Seen
 * from the sources (src/tab/tabs/) it does not exist, and the tab is built from TABS_DIR instead.
 */
export const PREBUILT_TAB_DIR = fileURLToPath(new URL('./tabs/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** How the tab's client code is bundled (for the browser). Part of the cache key: change it and the cache is rebuilt. */
function tabBuildOptions(tabsDir: string): BuildOptions {
  return {
    entryPoints: { app: join(tabsDir, 'src/main.ts') },
    bundle: true,
    write: false,
    outdir: join(tabsDir, 'dist'),
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'edge110', 'safari16', 'firefox110'],
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
  };
}

/**
 * Bundles tabs/src/main.ts with esbuild (with the Adaptive Cards renderer and teams-js) into app.js and
 * app.css, in memory. Returns the files and the source files they were made from (absolute paths).
 * esbuild is imported here and only here, so that a start that finds the tab already built never loads it.
 */
export async function bundleTab(tabsDir: string = TABS_DIR): Promise<{ files: Map<string, Buffer>; inputs: string[]; recipe: string }> {
  const { build, version } = await import('esbuild');
  const options = tabBuildOptions(tabsDir);
  // Restated literally so that esbuild's types know outputFiles and metafile are there.
  const result = await build({ ...options, write: false, metafile: true });
  const files = new Map<string, Buffer>();
  for (const file of result.outputFiles) files.set(basename(file.path), Buffer.from(file.contents));
  const inputs = Object.keys(result.metafile.inputs).map((path) => resolve(path));
  return { files, inputs, recipe: recipeOf(options, version) };
}

function recipeOf(options: BuildOptions, esbuildVersion: string): string {
  return createHash('sha256').update(JSON.stringify({ options, esbuildVersion })).digest('base64url');
}

/** What the cache file holds: the built files and what they were built from. */
interface CachedTab {
  recipe: string;
  /** Each source file (absolute path) with the sha-256 of its content when the tab was built. */
  inputs: Record<string, string>;
  /** Each built file: its bytes and gzipped bytes, base64. */
  files: Record<string, { body: string; gzip: string }>;
}

const CACHE_FILE = 'tab-assets.json';

async function sha256Of(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('base64url');
  } catch {
    return undefined; // gone: the cache is stale
  }
}

/** The cached build, when every file it was built from still has the same content; else undefined. */
async function readCache(cacheDir: string, recipe: string): Promise<Map<string, TabAsset> | undefined> {
  let cached: CachedTab;
  try {
    cached = JSON.parse(await readFile(join(cacheDir, CACHE_FILE), 'utf8')) as CachedTab;
  } catch {
    return undefined;
  }
  if (cached.recipe !== recipe) return undefined;
  const paths = Object.keys(cached.inputs);
  const now = await Promise.all(paths.map(sha256Of));
  if (paths.length === 0 || paths.some((path, i) => now[i] !== cached.inputs[path])) return undefined;
  const assets = new Map<string, TabAsset>();
  for (const [name, file] of Object.entries(cached.files)) assets.set(name, asset(name, Buffer.from(file.body, 'base64'), Buffer.from(file.gzip, 'base64')));
  return assets;
}

async function writeCache(cacheDir: string, built: { inputs: string[]; recipe: string }, assets: Map<string, TabAsset>): Promise<void> {
  const hashes = await Promise.all(built.inputs.map(sha256Of));
  const cached: CachedTab = {
    recipe: built.recipe,
    inputs: Object.fromEntries(built.inputs.map((path, i) => [path, hashes[i] ?? ''])),
    files: Object.fromEntries([...assets].map(([name, a]) => [name, { body: a.body.toString('base64'), gzip: a.gzip.toString('base64') }])),
  };
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed: a start that reads it at the same time sees the old file or the new one.
  const temporary = join(cacheDir, `${CACHE_FILE}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, JSON.stringify(cached));
  await rename(temporary, join(cacheDir, CACHE_FILE));
}

/** The files of a built tab folder (dist/tabs/ from `npm run build`), or undefined when there is none. */
async function readPrebuilt(dir: string): Promise<Map<string, TabAsset> | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  if (!names.includes('index.html')) return undefined;
  const assets = new Map<string, TabAsset>();
  for (const name of names.filter((n) => !n.endsWith('.gz'))) {
    const body = await readFile(join(dir, name));
    const gzip = names.includes(`${name}.gz`) ? await readFile(join(dir, `${name}.gz`)) : undefined;
    assets.set(name, asset(name, body, gzip));
  }
  return assets;
}

export interface TabAssetOptions {
  /** The tab's sources (tabs/). */
  tabsDir?: string;
  /** The tab built by `npm run build`, used as it is when it is there (PREBUILT_TAB_DIR unless told); false: never. */
  prebuiltDir?: string | false;
  /** Where a tab built from the sources is kept between starts (under the data directory); none: no cache. */
  cacheDir?: string;
  /** Told why the cache could not be written (the tab is served all the same). */
  onCacheError?: (error: unknown) => void;
}

/**
 * The tab as served: index.html, app.js and app.css. From the production build's dist/tabs/ when there is
 * one; else built from tabs/ with esbuild, once: the result is kept under the data directory with the
 * content hash of every file it was built from, and a later start with the same sources reads it back
 * instead of building again. Nothing is fetched, so a fresh clone serves the tab from `npm start` with no
 * build step.
 */
export async function loadTabAssets(options: TabAssetOptions = {}): Promise<Map<string, TabAsset>> {
  const prebuiltDir = options.prebuiltDir ?? PREBUILT_TAB_DIR;
  const prebuilt = prebuiltDir === false ? undefined : await readPrebuilt(prebuiltDir);
  if (prebuilt) return prebuilt;
  const tabsDir = options.tabsDir ?? TABS_DIR;
  const page = asset('index.html', await readFile(join(tabsDir, 'index.html')));
  const recipe = recipeOf(tabBuildOptions(tabsDir), await esbuildVersion());
  let assets = options.cacheDir ? await readCache(options.cacheDir, recipe) : undefined;
  if (!assets) {
    const built = await bundleTab(tabsDir);
    assets = new Map([...built.files].map(([name, body]) => [name, asset(name, body)]));
    if (options.cacheDir) await writeCache(options.cacheDir, built, assets).catch((error: unknown) => options.onCacheError?.(error));
  }
  assets.set('index.html', page);
  return assets;
}

/** esbuild's version from its package.json: reading it does not load esbuild (nor start its service). */
async function esbuildVersion(): Promise<string> {
  try {
    const path = fileURLToPath(import.meta.resolve('esbuild/package.json'));
    return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
  } catch {
    return (await import('esbuild')).version;
  }
}

export function asset(name: string, body: Buffer, gzip: Buffer = gzipSync(body)): TabAsset {
  const extension = name.slice(name.lastIndexOf('.'));
  return {
    body,
    gzip,
    contentType: TYPES[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}
