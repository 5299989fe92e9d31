import type { BotChild } from './child.js';
import { cpuMs, sleep } from './stats.js';

/**
 * Waits until the bot process is idle: less than `budgetMs` of CPU in each of two 250 ms windows in a
 * row (background work a turn caused, such as card updates and ACW jobs, has run). Gives up after 60 s.
 */
export async function settle(child: BotChild, budgetMs = 5): Promise<void> {
  let quiet = 0;
  let last = await child.usage();
  const started = performance.now();
  while (quiet < 2 && performance.now() - started < 60_000) {
    await sleep(250);
    const now = await child.usage();
    quiet = cpuMs(last.cpu, now.cpu) < budgetMs ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * Paced agents: each of `agents` clicks, then waits 0.5–1.5 × `thinkMs` (a person reading the card), for
 * `seconds`; the first clicks are spread over one think time. `click` returns the latency to record, or
 * undefined for a click that is not measured. Returns the recorded latencies.
 */
export async function paced(agents: number, seconds: number, thinkMs: number, click: (agent: number) => Promise<number | undefined>): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  await Promise.all(
    Array.from({ length: agents }, async (_, agent) => {
      await sleep(rand() * thinkMs);
      while (performance.now() < deadline) {
        const latency = await click(agent);
        if (latency !== undefined) latencies.push(latency);
        await sleep(thinkMs * (0.5 + rand()));
      }
    }),
  );
  return latencies;
}

/** A phone number in E.164 written as a caller ID might show it, varied by `n`. */
export function dialled(e164: string, n: number): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  if (!m) return e164;
  const [, a, b, c] = m;
  return [`(${a}) ${b}-${c}`, `+1 ${a} ${b} ${c}`, `${a}.${b}.${c}`, e164, `${a}${b}${c}`][n % 5]!;
}
