import type { Logger } from 'pino';
import { PollingLoop } from '../jobs/pollingLoop.js';
import type { UnitOfWork } from '../store/unitOfWork.js';

/**
 * Keeps the workforce rollups close to the logs in the background (issue 12): log appends write their row
 * alone, and this loop rolls up what they added every ROLLUP_POLL_MS, so each catch-up stays small (the interval
 * reports also catch up before they read, so they are exact whatever this loop's delay).
 */
export const ROLLUP_POLL_MS = 500;

export class RollupCatchUp {
  private readonly loop: PollingLoop;

  constructor(deps: { unit: UnitOfWork; logger: Pick<Logger, 'error'>; pollMs?: number }) {
    this.loop = new PollingLoop({
      run: () => deps.unit.repos.wfmRollups.catchUp(),
      pollMs: deps.pollMs ?? ROLLUP_POLL_MS,
      onError: (error) => deps.logger.error({ err: error }, 'workforce rollups catch-up failed'),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Catches up now (or once the catch-up in hand is done), rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
