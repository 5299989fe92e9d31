import { untilAborted } from '../untilAborted.js';

/**
 * One task at a time, shared: a caller that arrives while the task runs waits for that same run instead of
 * starting another (ten calls refused together cause one token request, not ten). Each caller stops
 * waiting when its own signal aborts; the run goes on for the others.
 */
export class SingleFlight<T> {
  private running: Promise<T> | undefined;

  run(start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.running) {
      this.running = start().finally(() => {
        this.running = undefined;
      });
      // A caller that stopped waiting must not leave the shared run's failure unhandled.
      this.running.catch(() => undefined);
    }
    return signal ? untilAborted(this.running, signal) : this.running;
  }
}

/**
 * SingleFlight per key: concurrent calls with one key (one idempotency key, say) share one run; `shared`
 * tells a caller it joined a run another started (so, for instance, it did not create the record itself).
 */
export class KeyedSingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  async run(key: string, start: () => Promise<T>, signal?: AbortSignal): Promise<{ value: T; shared: boolean }> {
    const joined = this.running.get(key);
    if (joined) return { value: await (signal ? untilAborted(joined, signal) : joined), shared: true };
    const run = start().finally(() => {
      if (this.running.get(key) === run) this.running.delete(key);
    });
    run.catch(() => undefined);
    this.running.set(key, run);
    return { value: await run, shared: false };
  }
}
