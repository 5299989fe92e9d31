import { readFileSync } from 'node:fs';
import { REPO } from './child.js';

/** A V8 CPU profile (.cpuprofile), as written by --cpu-prof or the inspector's Profiler.stop. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, idle excluded (ms). */
  busyMs: number;
  /** Self time by where the code lives: a package, a folder of src/, node's internals, GC. */
  byPlace: Share[];
  /** The functions with the most self time. */
  topSelf: Share[];
  /** Our own functions (src/), by inclusive time: what of ours the time is spent under. */
  ownInclusive: Share[];
  /** Inclusive time by package at the boundary where our code (or node) calls into it. */
  packagesInclusive: Share[];
}

const SQLITE_DRIVER = /kysely\/dist\/(esm|cjs)\/dialect\/sqlite\/sqlite-driver\.js|better-sqlite3\/lib\//;

/**
 * For an esbuild bundle: which source each line came from. esbuild (not minified) opens every module's
 * code with a comment naming its path, such as `// node_modules/botbuilder/lib/index.js`.
 */
const bundleSources = new Map<string, Array<[number, string]>>();
function sourceOfBundleLine(url: string, line: number): string | undefined {
  if (!url.endsWith('/customer-card-bench/botProcess.mjs')) return undefined;
  let index = bundleSources.get(url);
  if (!index) {
    index = [];
    const lines = readFileSync(url.replace(/^file:\/\//, ''), 'utf8').split('\n');
    lines.forEach((text, n) => {
      const m = /^\/\/ ((?:node_modules|src|bench|scripts)\/\S+)$/.exec(text);
      if (m) index!.push([n, m[1]!]);
    });
    bundleSources.set(url, index);
  }
  let lo = 0;
  let hi = index.length - 1;
  let found: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid]![0] <= line) {
      found = index[mid]![1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The source file of a frame: its own URL, or for a bundle, the module its line came from. */
function sourceOf(url: string, line: number): string {
  const bundled = sourceOfBundleLine(url, line);
  if (!bundled) return url.endsWith('/customer-card-bench/botProcess.mjs') ? `${REPO}/bench/(bundle runtime)` : url;
  return bundled.startsWith('node_modules/') ? `/${bundled}` : `${REPO}/${bundled}`;
}

/** Where a frame's code lives. Calls into SQLite are native and show as their JS caller's self time. */
export function placeOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8 (program)';
    if (functionName === '(idle)') return 'idle';
    return 'builtins';
  }
  if (SQLITE_DRIVER.test(url)) return 'SQLite (driver JS)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(`${REPO}/src/`)) {
    const parts = path.slice(REPO.length + 1).split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (path.startsWith(`${REPO}/bench/`)) return 'bench';
  return 'other';
}

function shortFile(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  return path.startsWith(`${REPO}/`) ? path.slice(REPO.length + 1) : path;
}

const isOwn = (url: string) => url.replace(/^file:\/\//, '').startsWith(`${REPO}/src/`);

function top(map: Map<string, number>, total: number, count: number): Share[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 }));
}

export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const node of profile.nodes) node.callFrame.url = sourceOf(node.callFrame.url, node.callFrame.lineNumber);

  // Where each node's time goes. A native function (no URL: a V8 builtin such as JSON.stringify, or a C++
  // addon method such as better-sqlite3's Statement) counts where its caller lives; SQLite's two native
  // steps are named apart: compiling a statement (prepare) and running it.
  // The bench's own IPC handling in the bot process (and the profiler's own stop) is left out.
  const place = new Map<number, string>();
  const excluded = new Set<number>();
  const order: number[] = [];
  const visit = (id: number) => {
    order.push(id);
    for (const child of byId.get(id)!.children ?? []) visit(child);
  };
  visit(profile.nodes[0]!.id);
  for (const id of order) {
    const node = byId.get(id)!;
    const up = parent.get(id);
    const { functionName, url } = node.callFrame;
    // The diagnostic SQL wrappers are see-through; everything else of botProcess.ts is the bench's IPC.
    const wrapper = url.endsWith('/bench/botProcess.ts') && (functionName === 'timed' || functionName === 'prepare');
    if ((up !== undefined && excluded.has(up)) || (url.endsWith('/bench/botProcess.ts') && !wrapper)) {
      excluded.add(id);
      continue;
    }
    let where = wrapper ? 'builtins' : placeOf(url, functionName);
    if (where === 'builtins' && up !== undefined) {
      const callerPlace = place.get(up) ?? 'builtins';
      where = callerPlace.startsWith('SQLite') ? (functionName === 'Statement' ? 'SQLite: compiling statements (prepare)' : 'SQLite: running statements') : callerPlace;
    }
    place.set(id, where);
  }

  const placeSelf = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  let busy = 0;
  for (const id of order) {
    if (excluded.has(id)) continue;
    const node = byId.get(id)!;
    const us = self.get(id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = place.get(id)!;
    if (where === 'idle' || functionName === '(root)') continue;
    busy += us;
    placeSelf.set(where, (placeSelf.get(where) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortFile(url)}:${lineNumber + 1}` : `(native, in ${where})`}`.trim();
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
  }

  // Inclusive times: each function (and each package) counted once per stack, however deep it recurses.
  const inclusive = new Map<number, number>();
  for (const id of [...order].reverse()) {
    if (excluded.has(id)) continue;
    const node = byId.get(id)!;
    let sum = byId.get(id)!.callFrame.functionName === '(idle)' ? 0 : (self.get(id) ?? 0);
    for (const child of node.children ?? []) sum += inclusive.get(child) ?? 0;
    inclusive.set(id, sum);
  }
  const ownIncl = new Map<string, number>();
  const pkgIncl = new Map<string, number>();
  const walk = (id: number, activeFns: Set<string>, activePkgs: Set<string>) => {
    if (excluded.has(id)) return;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = place.get(id)!;
    let fnKey: string | undefined;
    let pkgKey: string | undefined;
    if (isOwn(url) && functionName) {
      fnKey = `${functionName} ${shortFile(url)}:${lineNumber + 1}`;
      if (!activeFns.has(fnKey)) ownIncl.set(fnKey, (ownIncl.get(fnKey) ?? 0) + inclusive.get(id)!);
      else fnKey = undefined;
    }
    const packaged = !isOwn(url) && !['node internals', 'bench', 'other', 'idle', 'GC', 'V8 (program)', 'builtins'].includes(where);
    if (packaged) {
      pkgKey = where.startsWith('SQLite') ? 'SQLite (better-sqlite3)' : where;
      if (!activePkgs.has(pkgKey)) pkgIncl.set(pkgKey, (pkgIncl.get(pkgKey) ?? 0) + inclusive.get(id)!);
      else pkgKey = undefined;
    }
    if (fnKey) activeFns.add(fnKey);
    if (pkgKey) activePkgs.add(pkgKey);
    for (const child of node.children ?? []) walk(child, activeFns, activePkgs);
    if (fnKey) activeFns.delete(fnKey);
    if (pkgKey) activePkgs.delete(pkgKey);
  };
  walk(profile.nodes[0]!.id, new Set(), new Set());

  return {
    file: shortFile(file),
    busyMs: Math.round(busy / 1000),
    byPlace: top(placeSelf, busy, 12),
    topSelf: top(fnSelf, busy, 15),
    ownInclusive: top(ownIncl, busy, 15),
    packagesInclusive: top(pkgIncl, busy, 10),
  };
}

/** One line on what dominates a profile: self time by place, then our functions by inclusive time. */
export function dominates(summary: ProfileSummary, places = 5, own = 4): string {
  const where = summary.byPlace
    .slice(0, places)
    .map((s) => `${s.name} ${s.pct}%`)
    .join(', ');
  const ours = summary.ownInclusive
    .slice(0, own)
    .map((s) => `${s.name.split(' ')[0]} ${s.pct}%`)
    .join(', ');
  return `self time: ${where}; our functions by inclusive time (synchronous stretches): ${ours || 'none sampled'} (profile ${summary.file}, ${summary.busyMs} ms busy)`;
}
