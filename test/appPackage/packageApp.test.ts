import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEnv, parseEnvFile, whereToSet } from '../../scripts/appPackage/envFiles.js';
import { checkColorIcon, checkOutlineIcon } from '../../scripts/appPackage/icons.js';
import { buildAppPackage, PackageAppError, packageApp } from '../../scripts/appPackage/packageApp.js';
import { fillPlaceholders, findPlaceholders, MissingVariablesError } from '../../scripts/appPackage/placeholders.js';
import { crc32, decodePng, encodePng, readPngInfo, type RgbaImage } from '../../src/cards/png.js';
import { bundledSchemaVersions, validateManifest } from '../../scripts/appPackage/validateManifest.js';
import { readZip } from '../../scripts/appPackage/zip.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMANDS = ['help', 'available', 'unavailable', 'call', 'chat', 'search', 'hangup', 'card', 'reply', 'status', 'report'];

type Json = Record<string, unknown> & { bots: Array<Record<string, unknown>>; developer: Record<string, unknown> };

const temps: string[] = [];
afterEach(() => {
  vi.unstubAllGlobals();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'apppkg-'));
  temps.push(dir);
  return dir;
}

/** A scratch repo root with a copy of the real appPackage/ and the given env files. */
function scratchRoot(envFiles: Record<string, string>, edit?: (manifest: Json) => void): string {
  const root = tempDir();
  cpSync(path.join(ROOT, 'appPackage'), path.join(root, 'appPackage'), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build`),
  });
  if (edit) {
    const file = path.join(root, 'appPackage', 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Json;
    edit(manifest);
    writeFileSync(file, JSON.stringify(manifest));
  }
  mkdirSync(path.join(root, 'env'));
  for (const [name, text] of Object.entries(envFiles)) writeFileSync(path.join(root, 'env', name), text);
  return root;
}

const COMPLETE_ENV = [
  'TEAMS_APP_ID=11111111-2222-3333-4444-555555555555',
  'BOT_ID=22222222-3333-4444-5555-666666666666',
  'AAD_APP_CLIENT_ID=33333333-4444-5555-6666-777777777777',
  'BOT_DOMAIN=bot.example.test',
  'APP_NAME_SUFFIX=""',
].join('\n');

/** The real manifest, filled with the committed env/.env.local. */
function localManifest(): Json {
  const env = loadEnv(ROOT, 'local');
  const values = Object.fromEntries(Object.entries(env.values).map(([k, v]) => [k, v.value]));
  const template: unknown = JSON.parse(readFileSync(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8'));
  return fillPlaceholders(template, values) as Json;
}

function solid(size: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set(rgba, i * 4);
  return { width: size, height: size, rgba: data };
}

describe('env files', () => {
  it('parses values, quotes, comments and export, and leaves out declared-but-unset keys', () => {
    const parsed = parseEnvFile(
      [
        '# comment',
        'PLAIN=value # trailing comment',
        'export EXPORTED=yes',
        'DOUBLE="a \\"quoted\\" #value\\n"',
        "SINGLE=' keep spaces '",
        'EMPTY_ON_PURPOSE=""',
        'NOT_SET_YET=',
        'URL=https://example.test/a#b',
      ].join('\r\n'),
    );
    expect(parsed).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      DOUBLE: 'a "quoted" #value\n',
      SINGLE: ' keep spaces ',
      EMPTY_ON_PURPOSE: '',
      URL: 'https://example.test/a#b',
    });
    expect('NOT_SET_YET' in parsed).toBe(false);
  });

  it('rejects a malformed line with the file and line number', () => {
    expect(() => parseEnvFile('A=1\nthis is not a variable\n', 'env/.env.x')).toThrow('env/.env.x:2: expected KEY=VALUE');
    expect(() => parseEnvFile('A="unterminated\n', 'env/.env.x')).toThrow('env/.env.x:1: unterminated');
  });

  it('layers .env.<env>, then .env.<env>.user, then the environment (non-empty values only)', () => {
    const root = scratchRoot({ '.env.t': 'A=from-env\nB=from-env\nC=from-env\n', '.env.t.user': 'B=from-user\nSECRET_X=s\n' });
    const env = loadEnv(root, 't', { C: 'from-process', A: '' });
    expect(env.values.A).toEqual({ value: 'from-env', source: 'env/.env.t' });
    expect(env.values.B).toEqual({ value: 'from-user', source: 'env/.env.t.user' });
    expect(env.values.C).toEqual({ value: 'from-process', source: 'the environment' });
    expect(env.filesRead).toEqual(['env/.env.t', 'env/.env.t.user']);
    expect(whereToSet('BOT_ID', env)).toBe('env/.env.t');
    expect(whereToSet('SECRET_BOT_PASSWORD', env)).toContain('env/.env.t.user');
  });

  it('refuses a missing env file and an environment name that is a path', () => {
    const root = scratchRoot({});
    expect(() => loadEnv(root, 'prod')).toThrow('env/.env.prod not found');
    expect(() => loadEnv(root, '../etc')).toThrow('bad environment name');
  });
});

describe('fillPlaceholders', () => {
  const template = {
    id: '${{APP_ID}}',
    nested: { list: ['https://${{DOMAIN}}/x/${{APP_ID}}', 7, true, null] },
    name: 'Card${{ SUFFIX }}',
  };

  it('replaces every placeholder in nested string values and leaves the template alone', () => {
    const filled = fillPlaceholders(template, { APP_ID: 'abc', DOMAIN: 'd.test', SUFFIX: '' });
    expect(filled).toEqual({ id: 'abc', nested: { list: ['https://d.test/x/abc', 7, true, null] }, name: 'Card' });
    expect(template.id).toBe('${{APP_ID}}');
    expect(findPlaceholders(template)).toEqual(['APP_ID', 'DOMAIN', 'SUFFIX']);
  });

  it('keeps the JSON valid whatever the value holds', () => {
    const filled = fillPlaceholders(template, { APP_ID: 'a"b\\c', DOMAIN: 'd', SUFFIX: '}' });
    expect(JSON.parse(JSON.stringify(filled))).toEqual(filled);
    expect(filled.id).toBe('a"b\\c');
  });

  it('names every missing variable and where to set it', () => {
    let error: unknown;
    try {
      fillPlaceholders(template, { DOMAIN: 'd' }, (name) => `env/.env.dev for ${name}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(['APP_ID', 'SUFFIX']);
    expect((error as Error).message).toContain('set APP_ID in env/.env.dev for APP_ID');
    expect((error as Error).message).toContain('set SUFFIX in env/.env.dev for SUFFIX');
  });
});

describe('validateManifest (offline, bundled schema)', () => {
  it('accepts the real manifest filled for env local', async () => {
    const manifest = localManifest();
    expect(await validateManifest(manifest)).toEqual([]);
    expect(findPlaceholders(manifest)).toEqual([]);
    const version = /\/teams\/(v[^/]+)\//.exec(String(manifest.$schema))?.[1];
    expect(bundledSchemaVersions()).toContain(version);
  });

  it('declares a personal bot with the agreed commands and the bot domain', () => {
    const manifest = localManifest();
    const bot = manifest.bots[0] as { botId: string; scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }> };
    expect(bot.botId).toBe('00000000-0000-0000-0000-000000000002');
    expect(bot.scopes).toContain('personal');
    const personal = bot.commandLists.find((list) => list.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(COMMANDS);
    for (const command of personal?.commands ?? []) expect(command.description.length).toBeGreaterThan(10);
    expect(manifest.validDomains).toEqual(['localhost:3978']);
  });

  it('declares the personal tab, served by the bot under /tabs/, after the chat', () => {
    const manifest = localManifest();
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      { entityId: 'customerCard', name: 'Customer Card', contentUrl: 'https://localhost:3978/tabs/index.html', scopes: ['personal'] },
    ]);
    // The tab signs in with Teams SSO for this app ID URI (the server checks tokens against it).
    expect(manifest.webApplicationInfo).toEqual({ id: '00000000-0000-0000-0000-000000000003', resource: 'api://localhost:3978/00000000-0000-0000-0000-000000000003' });
  });

  it('rejects a manifest without a name, naming the property', async () => {
    const manifest = localManifest();
    delete manifest.name;
    const problems = await validateManifest(manifest);
    expect(problems).toContain("(root): must have required property 'name'");
  });

  it('rejects an app version that is not MAJOR.MINOR.PATCH', async () => {
    const manifest = { ...localManifest(), version: '1.0' };
    expect(await validateManifest(manifest)).toEqual(['version: must be MAJOR.MINOR.PATCH (e.g. 1.0.0), is "1.0"']);
  });

  it('reports schema violations with their place in the manifest', async () => {
    const manifest = localManifest();
    (manifest.bots[0] as Record<string, unknown>).botId = 'not-a-guid';
    manifest.developer.name = 'Customer Card for Teams contributors'; // 36 characters, the limit is 32
    (manifest.bots[0] as Record<string, unknown>).unknownProperty = 1;
    const problems = await validateManifest(manifest);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bots\.0\.botId: must match pattern/),
        'developer.name: must NOT have more than 32 characters',
        'bots.0: must NOT have additional properties (additionalProperty: unknownProperty)',
      ]),
    );
  });

  it('flags placeholders left unfilled', async () => {
    const manifest = { ...localManifest(), id: '${{TEAMS_APP_ID}}' };
    expect(await validateManifest(manifest)).toContain('unfilled placeholders: ${{TEAMS_APP_ID}}');
  });

  it('never touches the network, also for a schema the package does not bundle', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no network in tests')));
    vi.stubGlobal('fetch', fetchSpy);
    expect(await validateManifest(localManifest())).toEqual([]);
    const unbundled = { ...localManifest(), $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.18/MicrosoftTeams.schema.json', manifestVersion: '1.18' };
    const problems = await validateManifest(unbundled);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('v1.18 is not bundled');
    const foreign = { ...localManifest(), $schema: 'https://example.test/schema.json' };
    expect((await validateManifest(foreign))[0]).toMatch(/^\$schema: must be a Teams schema URL/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

/** Encodes RGBA with a given PNG row filter (0–4), as other tools do, to exercise the decoder. */
function encodeWithFilter(image: RgbaImage, filter: number): Buffer {
  const { width, height, rgba } = image;
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const cur = rgba[y * stride + x] ?? 0;
      const a = x >= 4 ? (rgba[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (rgba[(y - 1) * stride + x] ?? 0) : 0;
      const c = y > 0 && x >= 4 ? (rgba[(y - 1) * stride + x - 4] ?? 0) : 0;
      const p = a + b - c;
      const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][filter] ?? 0;
      raw[y * (stride + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const plain = encodePng(image);
  const head = plain.subarray(0, 8 + 25); // signature + IHDR chunk
  const data = deflateSync(raw);
  const idat = Buffer.alloc(12 + data.length);
  idat.writeUInt32BE(data.length, 0);
  idat.write('IDAT', 4, 'ascii');
  data.copy(idat, 8);
  idat.writeUInt32BE(crc32(idat.subarray(4, 8 + data.length)), 8 + data.length);
  return Buffer.concat([head, idat, plain.subarray(plain.length - 12)]);
}

describe('icons', () => {
  it('the committed icons have the sizes Teams asks for, the outline white on transparent', () => {
    const color = readFileSync(path.join(ROOT, 'appPackage', 'color.png'));
    const outline = readFileSync(path.join(ROOT, 'appPackage', 'outline.png'));
    expect(readPngInfo(color)).toMatchObject({ width: 192, height: 192 });
    const decodedColor = decodePng(color);
    expect(decodedColor.rgba.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true); // opaque
    const image = decodePng(outline);
    expect([image.width, image.height]).toEqual([32, 32]);
    let transparent = 0;
    let visible = 0;
    for (let i = 0; i < 32 * 32; i++) {
      const [r, g, b, a] = image.rgba.subarray(i * 4, i * 4 + 4);
      if (a === 0) transparent++;
      else {
        visible++;
        expect([r, g, b]).toEqual([255, 255, 255]);
      }
    }
    expect(transparent).toBeGreaterThan(100);
    expect(visible).toBeGreaterThan(100);
    expect(checkColorIcon(color)).toEqual([]);
    expect(checkOutlineIcon(outline)).toEqual([]);
  });

  it('rejects an opaque outline, a coloured outline pixel and wrong sizes', () => {
    expect(checkOutlineIcon(encodePng(solid(32, [255, 255, 255, 255])))).toEqual(['outline icon: must have a transparent background, but no pixel is transparent']);
    const coloured = solid(32, [255, 255, 255, 0]);
    coloured.rgba.set([255, 255, 255, 255], 0);
    coloured.rgba.set([10, 20, 30, 128], (5 * 32 + 3) * 4);
    expect(checkOutlineIcon(encodePng(coloured))).toEqual(['outline icon: may only use white and transparency; 1 visible pixel(s) are not white, e.g. (3, 5) is rgba(10, 20, 30, 128)']);
    expect(checkOutlineIcon(encodePng(solid(192, [255, 255, 255, 0])))).toEqual(['outline icon: must be 32×32 pixels, is 192×192', 'outline icon: is fully transparent (nothing to see)']);
    expect(checkColorIcon(encodePng(solid(32, [1, 2, 3, 255])))).toEqual(['color icon: must be 192×192 pixels, is 32×32']);
    expect(checkColorIcon(Buffer.from('GIF89a not a png'))).toEqual(['color icon: not a PNG file (bad signature)']);
  });

  it('reads back what it writes, whatever row filter the PNG uses', () => {
    const image: RgbaImage = { width: 7, height: 5, rgba: new Uint8Array(7 * 5 * 4).map((_, i) => (i * 37 + (i >> 3) * 11) & 0xff) };
    expect(decodePng(encodePng(image)).rgba).toEqual(image.rgba);
    for (const filter of [0, 1, 2, 3, 4]) {
      expect(decodePng(encodeWithFilter(image, filter)).rgba, `filter ${filter}`).toEqual(image.rgba);
    }
    const corrupt = Buffer.from(encodePng(image));
    corrupt[20] = (corrupt[20] ?? 0) ^ 0xff; // inside IHDR
    expect(() => decodePng(corrupt)).toThrow('bad CRC in PNG chunk IHDR');
  });
});

describe('packageApp', () => {
  it('writes appPackage.local.zip with manifest.json, color.png and outline.png at its root', async () => {
    const outDir = tempDir();
    const result = await packageApp({ rootDir: ROOT, envName: 'local', outDir });
    expect(result.zipPath).toBe(path.join(outDir, 'appPackage.local.zip'));
    const entries = await readZip(readFileSync(result.zipPath));
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '') as Json;
    expect(manifest.id).toBe('00000000-0000-0000-0000-000000000001');
    expect(manifest.name).toEqual({ short: 'Customer Card-local', full: 'Customer Card for Teams-local' });
    expect(findPlaceholders(manifest)).toEqual([]);
    expect(await validateManifest(manifest)).toEqual([]);
    expect(readPngInfo(entries.get('color.png') ?? Buffer.alloc(0))).toMatchObject({ width: 192, height: 192 });
    expect(readPngInfo(entries.get('outline.png') ?? Buffer.alloc(0))).toMatchObject({ width: 32, height: 32, hasAlpha: true });
    expect(checkOutlineIcon(entries.get('outline.png') ?? Buffer.alloc(0))).toEqual([]);
    expect(JSON.parse(readFileSync(result.manifestPath, 'utf8'))).toEqual(manifest);
  });

  it('takes values from the .user file and the environment', async () => {
    const root = scratchRoot({
      '.env.t': COMPLETE_ENV.replace(/^BOT_ID=.*$/m, 'BOT_ID='),
      '.env.t.user': 'BOT_ID=44444444-5555-6666-7777-888888888888\n',
    });
    const built = await buildAppPackage({ rootDir: root, envName: 't', processEnv: { BOT_DOMAIN: 'override.example.test' } });
    expect((built.manifest as Json).bots[0]).toMatchObject({ botId: '44444444-5555-6666-7777-888888888888' });
    expect(built.manifest.validDomains).toEqual(['override.example.test']);
    expect((built.manifest.name as { short: string }).short).toBe('Customer Card');
  });

  it('names each variable without a value and the file to set it in', async () => {
    const root = scratchRoot({ '.env.t': COMPLETE_ENV.replace(/^BOT_ID=.*$/m, 'BOT_ID=').replace(/^BOT_DOMAIN=.*$/m, '') });
    const error = await buildAppPackage({ rootDir: root, envName: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageAppError);
    expect((error as PackageAppError).stage).toBe('placeholders');
    expect((error as PackageAppError).problems).toEqual([
      '${{BOT_DOMAIN}} in appPackage/manifest.json has no value: set BOT_DOMAIN in env/.env.t',
      '${{BOT_ID}} in appPackage/manifest.json has no value: set BOT_ID in env/.env.t',
    ]);
  });

  it('refuses an invalid manifest or icons, lists every problem and writes nothing', async () => {
    const root = scratchRoot({ '.env.t': COMPLETE_ENV }, (m) => {
      m.version = 'one';
      delete m.description;
    });
    cpSync(path.join(root, 'appPackage', 'color.png'), path.join(root, 'appPackage', 'outline.png'));
    const outDir = tempDir();
    const error = await packageApp({ rootDir: root, envName: 't', outDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageAppError);
    expect((error as PackageAppError).stage).toBe('manifest');
    const problems = (error as PackageAppError).problems;
    expect(problems).toContain("(root): must have required property 'description'");
    expect(problems).toContain('version: must be MAJOR.MINOR.PATCH (e.g. 1.0.0), is "one"');
    expect(problems).toContain('icons.outline (appPackage/outline.png): must be 32×32 pixels, is 192×192');
    expect(readdirSync(outDir)).toEqual([]);
    expect(existsSync(path.join(root, 'appPackage', 'build'))).toBe(false);
  });
});
