import { parseArgs } from 'node:util';

/**
 * The chaos run's knobs (`npm run chaos -- --trials 100`). Defaults are the sizes; `--quick` runs 5
 * trials and 50 field-edit pairs to check the harness. Each knob is also CHAOS_<NAME> in the environment.
 */
export interface ChaosOptions {
  quick: boolean;
  /** kill -9 trials per backend. */
  trials: number;
  /** Agents' lanes working at once in a trial's ACW burst; each lane owns its records. */
  lanes: number;
  /** Calls each lane makes in a trial (call → link → hangup → Complete ACW). */
  callsPerLane: number;
  /** Contacts a lane calls in turn: each gets callsPerLane / recordsPerLane calls per trial. */
  recordsPerLane: number;
  /** Concurrent field-edit pairs per backend, and how many run at once. */
  pairs: number;
  pairBatch: number;
  /** At most this long, after a burst, for every job to be done (a dead lease must expire within it). */
  settleSeconds: number;
  /** The whole run stops starting trials after this. */
  maxMinutes: number;
  backends: Array<'sqlite' | 'postgres'>;
  /** A PostgreSQL database on this machine to create each trial's database from. */
  databaseUrl: string;
  /** Seed of the random kill moments and victims, so that a run can be replayed. */
  seed: number;
  /** Write bench/results/chaos.json and CHAOS.md (a --quick run writes bench/results/quick/chaos.json only). */
  write: boolean;
}

const FULL = { trials: 100, lanes: 8, callsPerLane: 8, recordsPerLane: 2, pairs: 200, pairBatch: 20, settleSeconds: 180, maxMinutes: 360 };
const QUICK: typeof FULL = { ...FULL, trials: 5, pairs: 50, maxMinutes: 40 };

export function loadChaosOptions(argv = process.argv.slice(2), env = process.env): ChaosOptions {
  const numeric = Object.keys(FULL) as Array<keyof typeof FULL>;
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      backends: { type: 'string' },
      'database-url': { type: 'string' },
      seed: { type: 'string' },
      ...Object.fromEntries(numeric.map((name) => [kebab(name), { type: 'string' as const }])),
    },
    allowPositionals: false,
  });
  const quick = values.quick === true || env.CHAOS_QUICK === '1';
  const base = quick ? QUICK : FULL;
  const knobs = Object.fromEntries(
    numeric.map((name) => {
      const raw = (values as Record<string, unknown>)[kebab(name)] ?? env[`CHAOS_${kebab(name).replace(/-/g, '_').toUpperCase()}`];
      const value = raw === undefined ? base[name] : Number(raw);
      if (!Number.isInteger(value) || value < 1) throw new Error(`--${kebab(name)}: a whole number ≥ 1, not ${String(raw)}`);
      return [name, value];
    }),
  ) as typeof FULL;
  const backends = (values.backends ?? env.CHAOS_BACKENDS ?? 'sqlite,postgres')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const b of backends) if (b !== 'sqlite' && b !== 'postgres') throw new Error(`--backends: sqlite and/or postgres, not ${b}`);
  const databaseUrl = values['database-url'] ?? env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // Only this machine is ever a target.
  const host = new URL(databaseUrl).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) throw new Error(`--database-url: a PostgreSQL server on the loopback address, not ${host}`);
  const seed = Number(values.seed ?? env.CHAOS_SEED ?? Date.now() % 1_000_000);
  if (!Number.isInteger(seed)) throw new Error(`--seed: a whole number, not ${String(values.seed)}`);
  if (knobs.recordsPerLane > knobs.callsPerLane) throw new Error('--records-per-lane: at most --calls-per-lane (every record gets a call)');
  return { quick, ...knobs, backends: backends as ChaosOptions['backends'], databaseUrl, seed, write: values['no-write'] !== true };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function randomFrom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
