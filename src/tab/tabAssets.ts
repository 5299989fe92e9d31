import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One file of the tab as served: its bytes, gzipped bytes, type and entity tag. */
export interface TabAsset {
  body: Buffer;
  gzip: Buffer;
  contentType: string;
  etag: string;
}

/** Where the tab's page and client code live (the repository's tabs/ folder). */
export const TABS_DIR = fileURLToPath(new URL('../../tabs/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Builds the tab in memory: tabs/index.html as it is, and tabs/src/main.ts bundled by esbuild (with the
 * Adaptive Cards renderer and teams-js) into app.js and app.css. Nothing is written to disk and nothing is
 * fetched, so a fresh clone serves the tab from `npm start` with no build step.
 */
export async function buildTabAssets(tabsDir: string = TABS_DIR): Promise<Map<string, TabAsset>> {
  const result = await build({
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
  });
  const assets = new Map<string, TabAsset>();
  for (const file of result.outputFiles) assets.set(basename(file.path), asset(basename(file.path), Buffer.from(file.contents)));
  assets.set('index.html', asset('index.html', await readFile(join(tabsDir, 'index.html'))));
  return assets;
}

export function asset(name: string, body: Buffer): TabAsset {
  const extension = name.slice(name.lastIndexOf('.'));
  return {
    body,
    gzip: gzipSync(body),
    contentType: TYPES[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}
