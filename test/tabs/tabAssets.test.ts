import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTabAssets, type TabAsset } from '../../src/tab/tabAssets.js';

interface CacheFile {
  recipe: string;
  inputs: Record<string, string>;
  files: Record<string, { body: string; gzip: string }>;
}

/** The tab as served: built from tabs/ once, then read back from the data directory (or from dist/tabs/). */
describe('the tab assets', () => {
  let dir: string;
  let cacheDir: string;
  let built: Map<string, TabAsset>;
  const cacheFile = () => join(cacheDir, 'tab-assets.json');
  const readCache = () => JSON.parse(readFileSync(cacheFile(), 'utf8')) as CacheFile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tab-assets-'));
    cacheDir = join(dir, 'cache');
    built = await loadTabAssets({ cacheDir, prebuiltDir: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the page, its script and its styles, each with a gzipped copy and an entity tag', () => {
    expect([...built.keys()].sort()).toEqual(['app.css', 'app.js', 'index.html']);
    const script = built.get('app.js')!;
    expect(script.contentType).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(script.gzip).equals(script.body)).toBe(true);
    expect(script.etag).toMatch(/^"[\w-]{27}"$/);
    // What it was built from: the tab's sources and the packages they bundle, each with its content hash.
    const inputs = Object.keys(readCache().inputs);
    expect(inputs.some((path) => path.endsWith('tabs/src/main.ts'))).toBe(true);
    expect(inputs.some((path) => path.includes('node_modules/adaptivecards/'))).toBe(true);
  });

  it('reads the tab back from the data directory on the next start instead of building it again', async () => {
    const cache = readCache();
    const marked = Buffer.from('/* from the cache */');
    cache.files['app.js'] = { body: marked.toString('base64'), gzip: gzipSync(marked).toString('base64') };
    writeFileSync(cacheFile(), JSON.stringify(cache));
    const again = await loadTabAssets({ cacheDir, prebuiltDir: false });
    expect(again.get('app.js')!.body.toString()).toBe('/* from the cache */');
    expect(again.get('app.css')!.etag).toBe(built.get('app.css')!.etag);
  });

  it('builds again when a file the tab was built from has changed', async () => {
    const cache = readCache();
    const main = Object.keys(cache.inputs).find((path) => path.endsWith('tabs/src/main.ts'))!;
    cache.inputs[main] = 'a-different-content-hash';
    writeFileSync(cacheFile(), JSON.stringify(cache));
    const rebuilt = await loadTabAssets({ cacheDir, prebuiltDir: false });
    expect(rebuilt.get('app.js')!.etag).toBe(built.get('app.js')!.etag);
    expect(readCache().inputs[main]).not.toBe('a-different-content-hash');
  });

  it('serves the files of a production build as they are', async () => {
    const prebuiltDir = join(dir, 'dist-tabs');
    mkdirSync(prebuiltDir);
    writeFileSync(join(prebuiltDir, 'index.html'), '<!doctype html><title>tab</title>');
    writeFileSync(join(prebuiltDir, 'app.js'), 'console.log(1)');
    writeFileSync(join(prebuiltDir, 'app.js.gz'), gzipSync('console.log(1)'));
    const assets = await loadTabAssets({ prebuiltDir, cacheDir });
    expect([...assets.keys()].sort()).toEqual(['app.js', 'index.html']);
    expect(gunzipSync(assets.get('app.js')!.gzip).toString()).toBe('console.log(1)');
    expect(assets.get('index.html')!.contentType).toBe('text/html; charset=utf-8');
  });
});
