/** Percentiles and small number helpers for the bench. */

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of a sample (milliseconds in, milliseconds out, rounded to 0.01). */
export function distribution(samples: number[]): Distribution {
  if (samples.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!), mean: round(mean) };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

/** CPU milliseconds (user + system) between two process.cpuUsage() readings. */
export function cpuMs(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage): number {
  return (after.user - before.user + after.system - before.system) / 1000;
}

/**
 * Runs `count` tasks with at most `concurrency` in flight; returns how many were started, which is fewer
 * than `count` when `deadline` (performance.now()) passed first: no task starts after it.
 */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>, deadline = Infinity): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return next;
}
