/**
 * The loop of a background worker: `run` is called when woken (after a commit that queued work) and every
 * `pollMs` otherwise, never twice at once (a wake while it runs makes it run again once it is done). Idle
 * until started, so tests and scripts can call the worker's own drain directly; once stopped it stays
 * stopped, and the worker's drain checks `stopped` to end its batch.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private state: 'idle' | 'started' | 'stopped' = 'idle';

  constructor(private readonly options: { run: () => Promise<unknown>; pollMs: number; onError: (error: unknown) => void }) {}

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  start(): void {
    this.state = 'started';
    this.wake();
  }

  wake(): void {
    if (this.state !== 'started') return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.options
      .run()
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        } else if (this.state === 'started') {
          this.timer = setTimeout(() => this.wake(), this.options.pollMs);
        }
      });
  }

  /** Stops polling and waits for the run in hand. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.running;
  }
}
