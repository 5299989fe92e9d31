/**
 * `npm run build`: the production build, run with `npm run start:prod` (`node dist/index.js`).
 *
 *   dist/index.js        src/index.ts and its dependencies bundled by esbuild (ESM, Node 20); what only a
 *                        configuration asks for (the CRM adapters and their libraries) in chunks of their own
 *                        beside it, loaded when a configuration names them
 *   dist/tabs/           the personal tab built for the browser (index.html, app.js, app.css, with .gz)
 *
 * Native addons and what is loaded only on demand stay outside, in node_modules: better-sqlite3, pg (only with
 * DATABASE_URL), and esbuild (only to build the tab when dist/tabs/ is missing). So dist/ runs from the
 * repository's folder, after `npm ci`. No TypeScript work at start, and a few files to read instead of
 * thousands: see BENCHMARKS.md (cold start) for what it saves.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { bundleTab, TABS_DIR } from '../src/tab/tabAssets.js';

export const REPO = fileURLToPath(new URL('../', import.meta.url)).replace(/\/$/, '');
export const DIST = join(REPO, 'dist');

/** Not bundled: native addons (and their optional helpers), and esbuild, which runs its own binary. */
export const EXTERNAL = ['better-sqlite3', 'pg', 'pg-native', 'dtrace-provider', 'esbuild'];

/**
 * What teams-ai takes from botbuilder-dialogs, and the module of botbuilder-dialogs each comes from.
 * teams-ai's Application loads its authentication features (OAuth and Teams SSO prompts, which this bot does
 * not configure), and they `require('botbuilder-dialogs')`: the package's index, which loads every prompt and,
 * with them, the Recognizers-Text suites (number, date-time and choice recognizers for many languages: 3.5 MB of
 * code that builds thousands of regular expressions as it loads; about 60 MB of RSS and 300 ms of a start,
 * measured with the build with and without this). In the
 * build, teams-ai gets these names from the modules that define them instead, each loaded the first time it
 * is used. The build fails if teams-ai uses a name not listed here (checked against its code).
 */
export const TEAMS_AI_DIALOGS: Record<string, string> = {
  Dialog: 'botbuilder-dialogs/lib/dialog.js',
  DialogTurnStatus: 'botbuilder-dialogs/lib/dialog.js',
  DialogSet: 'botbuilder-dialogs/lib/dialogSet.js',
  WaterfallDialog: 'botbuilder-dialogs/lib/waterfallDialog.js',
  OAuthPrompt: 'botbuilder-dialogs/lib/prompts/oauthPrompt.js',
};

/** The names teams-ai's compiled code reads from botbuilder-dialogs (`botbuilder_dialogs_1.Name`). */
export function dialogsNamesUsedByTeamsAi(): Set<string> {
  const lib = join(REPO, 'node_modules', '@microsoft', 'teams-ai', 'lib');
  const names = new Set<string>();
  for (const file of readdirSync(lib, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    for (const m of readFileSync(join(lib, file), 'utf8').matchAll(/\bbotbuilder_dialogs_\d+\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  }
  return names;
}

/** Gives teams-ai (only) the botbuilder-dialogs names it uses, lazily, from their own modules: see TEAMS_AI_DIALOGS. */
function teamsAiDialogs(): Plugin {
  const missing = [...dialogsNamesUsedByTeamsAi()].filter((name) => !(name in TEAMS_AI_DIALOGS));
  if (missing.length) throw new Error(`teams-ai uses botbuilder-dialogs' ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'} to TEAMS_AI_DIALOGS in scripts/build.ts`);
  const contents = Object.entries(TEAMS_AI_DIALOGS)
    .map(([name, path]) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(path)}).${name} });`)
    .join('\n');
  return {
    name: 'teams-ai-dialogs',
    setup(b) {
      b.onResolve({ filter: /^botbuilder-dialogs$/ }, (args) =>
        /[\\/]@microsoft[\\/]teams-ai[\\/]/.test(args.importer) ? { path: 'botbuilder-dialogs (as teams-ai uses it)', namespace: 'teams-ai-dialogs' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'teams-ai-dialogs' }, () => ({ contents, loader: 'js', resolveDir: REPO }));
    },
  };
}

export interface ProductBuild {
  /** The entry's output file. */
  file: string;
  ms: number;
  /** Bytes of JavaScript written: the entry and its chunks. */
  bytes: number;
  /** Bytes of the files a start reads: the entry and the chunks it imports (not the CRM adapters'). */
  startBytes: number;
  /** Those files, as the metafile names them. */
  startFiles: string[];
  metafile: Metafile;
}

/**
 * Bundles one entry (src/index.ts for dist/, bench/botProcess.ts for the bench) into `outdir` as `<name>.js`
 * plus chunks, and writes the built tab to `<outdir>/tabs/`. Chunks sit beside the entry, so every part of
 * the build sees the same import.meta.url folder (src/tab/tabAssets.ts finds tabs/ from it).
 */
export async function buildProduct(options: {
  entry: string;
  outdir: string;
  name?: string;
  /** Sources the entry imports dynamically at start (bench/botProcess.ts imports the product so): part of startFiles. */
  alsoAtStart?: string[];
}): Promise<ProductBuild> {
  const started = performance.now();
  const name = options.name ?? 'index';
  rmSync(options.outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { [name]: options.entry },
    absWorkingDir: REPO,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: options.outdir,
    // Each dynamic import() (a CRM adapter) becomes a chunk of its own, read only when it is imported.
    splitting: true,
    chunkNames: '[name]-[hash]',
    external: EXTERNAL,
    // Whitespace and syntax only: identifiers keep their names (stack traces, logs and class names read as in
    // the sources). V8 pre-parses the whole entry at start, so fewer bytes are a shorter start.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // The CommonJS packages inside the bundle call require() for Node's modules and the externals.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'error',
    metafile: true,
    plugins: [teamsAiDialogs()],
  });
  await writeTab(join(options.outdir, 'tabs'));
  const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.js'));
  // The entry's own output (each CRM adapter's chunk is an entry point too: of its dynamic import).
  const entryOutput = outputs.find(([, o]) => o.entryPoint !== undefined && resolve(REPO, o.entryPoint) === resolve(options.entry))!;
  const byPath = new Map(outputs);
  const startFiles = new Set<string>([entryOutput[0]]);
  // What a start reads: the entry (and alsoAtStart's chunks) and what they import statically; not the chunks
  // of the CRM adapters, imported dynamically when a configuration names them.
  const atStart = new Set((options.alsoAtStart ?? []).map((path) => resolve(REPO, path)));
  for (const [path, o] of outputs) if (o.entryPoint !== undefined && atStart.has(resolve(REPO, o.entryPoint))) startFiles.add(path);
  for (const path of startFiles) {
    for (const i of byPath.get(path)?.imports ?? []) if (i.kind === 'import-statement' && byPath.has(i.path)) startFiles.add(i.path);
  }
  return {
    file: join(REPO, entryOutput[0]),
    ms: Math.round(performance.now() - started),
    bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0),
    startBytes: [...startFiles].reduce((sum, path) => sum + byPath.get(path)!.bytes, 0),
    startFiles: [...startFiles],
    metafile: result.metafile,
  };
}

/** The tab as the server serves it (see loadTabAssets): index.html, app.js and app.css, each with a .gz. */
async function writeTab(dir: string): Promise<void> {
  const { files } = await bundleTab(TABS_DIR);
  mkdirSync(dir, { recursive: true });
  files.set('index.html', readFileSync(join(TABS_DIR, 'index.html')));
  for (const [name, body] of files) {
    writeFileSync(join(dir, name), body);
    writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildProduct({ entry: join(REPO, 'src', 'index.ts'), outdir: DIST });
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`built ${built.file.slice(REPO.length + 1)} in ${built.ms} ms: ${mb(built.startBytes)} MB read at start, ${mb(built.bytes)} MB in all; run it with npm run start:prod`);
}
