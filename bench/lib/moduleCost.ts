import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './child.js';
import { round } from './stats.js';

export interface ModuleCost {
  name: string;
  /** RSS and live heap (after a full GC) a fresh node process gains by importing it, and how long that takes. */
  rssMb: number;
  heapMb: number;
  ms: number;
}

const PROBE = `
const started = performance.now();
const name = process.argv[1];
if (name) await import(name);
const ms = performance.now() - started;
globalThis.gc(); globalThis.gc();
const m = process.memoryUsage();
process.stdout.write(JSON.stringify({ rss: m.rss, heap: m.heapUsed, ms }));
`;

function probe(name: string): Promise<{ rss: number; heap: number; ms: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROBE, name], { cwd: REPO, timeout: 60_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as { rss: number; heap: number; ms: number });
    });
  });
}

/** The direct dependencies (package.json) that a bundle's esbuild metafile shows are loaded. */
export function loadedDependencies(inputs: string[]): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const used = new Set(inputs.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter((x): x is string => !!x));
  return Object.keys(pkg.dependencies ?? {}).filter((d) => used.has(d));
}

/**
 * What importing each package costs a fresh node process (no tsx), over an empty one: where the product's
 * idle memory goes. Packages share dependencies (teams-ai brings botbuilder), so the figures overlap.
 */
export async function moduleCosts(names: string[]): Promise<ModuleCost[]> {
  const base = await probe('');
  const costs: ModuleCost[] = [];
  for (const name of names) {
    try {
      const m = await probe(name);
      costs.push({ name, rssMb: round((m.rss - base.rss) / 1048576, 1), heapMb: round((m.heap - base.heap) / 1048576, 1), ms: round(m.ms, 0) });
    } catch {
      // A package that cannot be imported on its own (browser-only, say) is left out.
    }
  }
  return costs.sort((a, b) => b.rssMb - a.rssMb);
}
