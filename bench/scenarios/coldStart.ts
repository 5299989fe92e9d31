import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BOT_ENTRY, BotChild, freePort, REPO, untilHealthy, type BotSpawn } from '../lib/child.js';
import { loadedDependencies } from '../lib/moduleCost.js';
import { dominates, summarizeProfile, type ProfileSummary } from '../lib/profile.js';
import { byHowMuch, fmt, verdict, type BenchContext, type Miss, type Row, type ScenarioResult } from '../lib/scenario.js';
import { distribution, mb, round, type Distribution } from '../lib/stats.js';

const GOAL_MS = 1500;
/**
 * Where the bundle is written: a cache folder that git and ESLint leave alone. Its code sees
 * import.meta.url as if it lived two folders below the repository (as src/tab/tabAssets.ts does, which
 * finds tabs/ from it), so paths resolved from it are the same as from the sources.
 */
export const BUNDLE = join(REPO, 'node_modules', '.cache', 'customer-card-bench', 'botProcess.mjs');
const BUNDLE_SEEN_AS = pathToFileURL(join(REPO, 'bench', '.build', 'botProcess.mjs')).href;

/** Bundles bench/botProcess.ts (the product and its dependencies, except native and optional modules) with esbuild. */
export async function bundle(): Promise<{ ms: number; bytes: number; dependencies: string[] }> {
  const started = performance.now();
  const result = await build({
    entryPoints: [BOT_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: BUNDLE,
    // Native addons and optional native helpers stay outside (esbuild runs its own binary); pg is loaded
    // only with DATABASE_URL.
    external: ['better-sqlite3', 'pg', 'pg-native', 'dtrace-provider', 'esbuild'],
    define: { 'import.meta.url': JSON.stringify(BUNDLE_SEEN_AS) },
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'error',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  return { ms: round(performance.now() - started, 0), bytes, dependencies: loadedDependencies(Object.keys(result.metafile.inputs)) };
}

interface Variant {
  name: string;
  runtime: BotSpawn['runtime'];
}

interface Start {
  ms: number;
  marks: { entry: number; imported: number; ready: number };
  rssMb: number;
}

/** Starts the product, polls /healthz until 200, reads its marks and RSS, stops it. */
async function startOnce(context: BenchContext, runtime: BotSpawn['runtime'], nodeArgs: string[] = []): Promise<Start> {
  const port = await freePort();
  const child = new BotChild({ app: 'product', runtime, port, dataDir: context.dataDir, nodeArgs });
  try {
    const healthy = await untilHealthy(port, child);
    const ready = await child.whenReady();
    const usage = await child.usage();
    return { ms: round(healthy - child.spawnedAt, 0), marks: ready.marks, rssMb: mb(usage.memory.rss) };
  } finally {
    await child.stop();
  }
}

/**
 * Process start (spawn) to /healthz 200, with the seeded database: the product as `npm start` runs it
 * (node with tsx's loader, its transform cache warm), the same with tsx's cache off (every file compiled),
 * and node on a prebuilt esbuild bundle (no TypeScript work at all, and far fewer files to resolve).
 * The process's own marks split each start into node + loader bootstrap, loading modules, and startProduct.
 */
export async function coldStart(context: BenchContext): Promise<ScenarioResult> {
  const { config } = context;
  const built = await bundle();
  const variants: Variant[] = [
    { name: 'tsx (transform cache warm)', runtime: { kind: 'tsx', cache: true } },
    { name: 'tsx (no transform cache)', runtime: { kind: 'tsx', cache: false } },
    { name: 'esbuild bundle', runtime: { kind: 'bundle', file: BUNDLE } },
  ];
  // The TypeScript half of the question (is tsx's compiling in the figure?) needs the uncached start.
  const measured: Record<string, { starts: Start[]; ms: Distribution; modulesMs: number; productMs: number; bootstrapMs: number; rssMb: number }> = {};
  for (const variant of variants) {
    // Without tsx's cache every start compiles everything: one start says it (and it is not the goal's figure).
    const uncached = variant.runtime.kind === 'tsx' && !variant.runtime.cache;
    const count = uncached ? 1 : config.coldStarts;
    context.log(`cold start: ${variant.name}, ${count} start(s)`);
    if (!uncached) await startOnce(context, variant.runtime); // the OS file cache and tsx's cache, as on any second start
    const starts: Start[] = [];
    for (let i = 0; i < count; i++) starts.push(await startOnce(context, variant.runtime));
    const median = (f: (s: Start) => number) => distribution(starts.map(f)).p50;
    measured[variant.name] = {
      starts,
      ms: distribution(starts.map((s) => s.ms)),
      bootstrapMs: round(median((s) => s.marks.entry), 0),
      modulesMs: round(median((s) => s.marks.imported - s.marks.entry), 0),
      productMs: round(median((s) => s.marks.ready - s.marks.imported), 0),
      rssMb: median((s) => s.rssMb),
    };
  }

  const profiles: Record<string, ProfileSummary> = {};
  const profileOf = async (name: string, runtime: BotSpawn['runtime']) => {
    const dir = join(context.profilesDir, `cold-start-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await startOnce(context, runtime, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250']);
    // One profile per thread; the main thread's is the largest.
    const files = readdirSync(dir).map((f) => join(dir, f));
    const main = files.sort((a, b) => summarizeProfile(b).busyMs - summarizeProfile(a).busyMs)[0];
    if (main) profiles[name] = summarizeProfile(main);
  };

  const rows: Row[] = [];
  const misses: Miss[] = [];
  const scenario = 'cold start, to /healthz 200';
  for (const variant of variants) {
    const m = measured[variant.name]!;
    const v = verdict(m.ms.p50, GOAL_MS);
    rows.push({
      scenario,
      figure: `${variant.name}, median of ${measured[variant.name]!.starts.length}`,
      value: `${fmt(m.ms.p50, 0)} ms (node+loader ${fmt(m.bootstrapMs, 0)}, modules ${fmt(m.modulesMs, 0)}, startProduct ${fmt(m.productMs, 0)})`,
      goal: `≤ ${fmt(GOAL_MS)} ms`,
      verdict: variant.runtime.kind === 'tsx' && !variant.runtime.cache ? 'info' : v,
    });
  }
  const tsx = measured[variants[0]!.name]!;
  const fresh = measured[variants[1]!.name]!;
  const bundled = measured[variants[2]!.name]!;
  if (config.profile && (verdict(tsx.ms.p50, GOAL_MS) === 'missed' || verdict(bundled.ms.p50, GOAL_MS) === 'missed')) {
    context.log('cold start: one start of each under --cpu-prof');
    await profileOf('tsx', { kind: 'tsx', cache: true });
    await profileOf('bundle', { kind: 'bundle', file: BUNDLE });
  }
  const tsxShare =
    `loading modules takes ${fmt(tsx.modulesMs, 0)} ms under tsx and ${fmt(bundled.modulesMs, 0)} ms from the bundle, so tsx's loader (its resolve and load hooks on every one of the thousands of files, source maps, transform-cache reads) costs about ${fmt(tsx.modulesMs - bundled.modulesMs, 0)} ms; ` +
    `tsx's compiling is not what dominates: with no transform cache the modules load in ${fmt(fresh.modulesMs, 0)} ms (${fmt(fresh.modulesMs - tsx.modulesMs, 0)} ms from the cached start)`;
  if (verdict(tsx.ms.p50, GOAL_MS) === 'missed') {
    misses.push({ scenario, figure: variants[0]!.name, by: byHowMuch(tsx.ms.p50, GOAL_MS) + ' ms', dominates: `${tsxShare}; ${profiles.tsx ? dominates(profiles.tsx, 6, 3) : ''}` });
  }
  if (verdict(bundled.ms.p50, GOAL_MS) === 'missed') {
    misses.push({ scenario, figure: 'esbuild bundle', by: byHowMuch(bundled.ms.p50, GOAL_MS) + ' ms', dominates: `${profiles.bundle ? dominates(profiles.bundle, 6, 3) : ''}; the bundle is ${fmt(built.bytes / 1024 / 1024, 1)} MB` });
  }
  return {
    slug: 'cold-start',
    title: 'Cold start: process start to /healthz 200, with the seeded database',
    rows,
    misses,
    figures: { goalMs: GOAL_MS, bundle: built, variants: measured },
    profiles,
    notes: [tsxShare, `RSS at ready: tsx ${fmt(tsx.rssMb)} MB, esbuild bundle ${fmt(bundled.rssMb)} MB`],
  };
}
