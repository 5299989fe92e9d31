import { parseArgs } from 'node:util';

/**
 * The bench's scale knobs. Defaults are the sizes; `--quick` shrinks everything so the whole run
 * takes about a minute (for checking the harness, not for figures). Each knob is also a flag or an
 * environment variable (BENCH_<NAME>), the flag winning.
 */
export interface BenchConfig {
  quick: boolean;
  /** Contacts in the embedded CRM. */
  contacts: number;
  /** Echo turns measured (and the same number of warm-up turns before). */
  echoTurns: number;
  /** Measured call → Customer Card turns; these interactions stay open for the memory figure and then complete ACW at once. */
  calls: number;
  /** At most this long for the measured calls (fewer are measured, and left open, if it runs out). */
  callSeconds: number;
  /** At most this long for the ACW burst's jobs to be done, from the commit (rate over what was done if it runs out). */
  acwSeconds: number;
  /** Calls before the measured ones, to warm the JIT and caches (not measured). */
  warmupCalls: number;
  /** Extra calls run under the CPU profiler (not measured). */
  profileCalls: number;
  /** Turns in flight at once for the turn scenarios (closed loop). */
  concurrency: number;
  linkAgents: number;
  /** Mean time between one agent's clicks (each agent waits 0.5–1.5× this between clicks). */
  linkThinkMs: number;
  linkSeconds: number;
  aniLookups: number;
  coldStarts: number;
  /** ACD events in → card posted: contacts offered per second (open loop), for acdSeconds, spread over acdAgents agents. */
  acdRate: number;
  acdSeconds: number;
  acdAgents: number;
  /** Contacts offered (and completed) before the measured ones, at the same rate (not measured). */
  acdWarmup: number;
  /** Outbound state sync: agents' own state changes in Teams, each told to TaskRouter and to the webhook. */
  outboundChanges: number;
  /** The event storm: agents, and contacts each of them takes. */
  stormAgents: number;
  stormContacts: number;
  /** Digital conversations (issue 14): threads open at once, messages in per second through the channels API, measured messages, agents' replies, and the agents. */
  digitalThreads: number;
  digitalRate: number;
  digitalMessages: number;
  digitalReplies: number;
  digitalAgents: number;
  /** How long the recording connector takes to answer each card send or update in the ACD events scenario (0: at once; Teams takes tens to hundreds of ms). */
  connectorMs: number;
  /** Take CPU profiles (always for the turn scenarios, else only when a goal is missed). */
  profile: boolean;
  /** Keep an existing seeded database of the right size instead of seeding again. */
  reuseSeed: boolean;
  /** Only these scenarios (comma-separated slugs); all when empty. */
  only: string[];
  /** Where the seeded database lives. */
  dataRoot: string;
  /** Rewrite BENCHMARKS.md at the end (off with --no-write). */
  writeMarkdown: boolean;
}

const FULL = {
  contacts: 1_000_000,
  echoTurns: 3000,
  calls: 10_000,
  callSeconds: 240,
  acwSeconds: 120,
  warmupCalls: 200,
  profileCalls: 300,
  concurrency: 8,
  linkAgents: 50,
  linkThinkMs: 1000,
  linkSeconds: 20,
  aniLookups: 20_000,
  coldStarts: 3,
  acdRate: 200,
  acdSeconds: 30,
  acdAgents: 400,
  acdWarmup: 600,
  outboundChanges: 1000,
  stormAgents: 100,
  stormContacts: 4,
  digitalThreads: 1000,
  digitalRate: 50,
  digitalMessages: 1500,
  digitalReplies: 500,
  digitalAgents: 40,
  connectorMs: 0,
};
const QUICK: typeof FULL = {
  contacts: 20_000,
  echoTurns: 500,
  calls: 600,
  callSeconds: 60,
  acwSeconds: 40,
  warmupCalls: 100,
  profileCalls: 150,
  concurrency: 8,
  linkAgents: 50,
  linkThinkMs: 1000,
  linkSeconds: 6,
  aniLookups: 3000,
  coldStarts: 1,
  acdRate: 200,
  acdSeconds: 5,
  acdAgents: 100,
  acdWarmup: 200,
  outboundChanges: 300,
  stormAgents: 20,
  stormContacts: 3,
  digitalThreads: 100,
  digitalRate: 50,
  digitalMessages: 150,
  digitalReplies: 100,
  digitalAgents: 25,
  connectorMs: 0,
};

/** Knobs for which 0 means "none" rather than an empty run. */
const MAY_BE_ZERO = new Set<keyof typeof FULL>(['connectorMs']);

export function loadBenchConfig(argv = process.argv.slice(2), env = process.env): BenchConfig {
  const numeric = Object.keys(FULL) as Array<keyof typeof FULL>;
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'reuse-seed': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      only: { type: 'string' },
      'data-root': { type: 'string' },
      ...Object.fromEntries(numeric.map((name) => [kebab(name), { type: 'string' as const }])),
    },
    allowPositionals: false,
  });
  const quick = values.quick === true || env.BENCH_QUICK === '1';
  const base = quick ? QUICK : FULL;
  const knobs = Object.fromEntries(
    numeric.map((name) => {
      const raw = (values as Record<string, unknown>)[kebab(name)] ?? env[`BENCH_${kebab(name).replace(/-/g, '_').toUpperCase()}`];
      const value = raw === undefined ? base[name] : Number(raw);
      const least = MAY_BE_ZERO.has(name) ? 0 : 1;
      if (!Number.isInteger(value) || value < least) throw new Error(`--${kebab(name)}: a whole number ≥ ${least}, not ${String(raw)}`);
      return [name, value];
    }),
  ) as typeof FULL;
  return {
    quick,
    ...knobs,
    profile: values['no-profile'] !== true,
    reuseSeed: values['reuse-seed'] === true || env.BENCH_REUSE_SEED === '1',
    only: (values.only ?? env.BENCH_ONLY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    dataRoot: values['data-root'] ?? env.BENCH_DATA_ROOT ?? new URL('../.data/', import.meta.url).pathname,
    writeMarkdown: values['no-write'] !== true,
  };
}
