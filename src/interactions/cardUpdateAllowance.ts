import type { Db } from '../store/db.js';
import { takeRateTokens } from '../store/rateAllowancesRepository.js';

/**
 * Teams answers 429 past 50 requests per second per app per tenant (its bot rate limits): card message updates
 * are sent at most this often, by all instances together, with a burst of as many allowed after a quiet
 * second. A burst of ACW writes finishing thus never floods Teams, nor takes the bot's CPU from its turns and
 * its CRM writes.
 */
export const UPDATES_PER_SECOND = 50;

/** When a card message update may be sent: one allowance for every instance of the app (UPDATES_PER_SECOND). */
export interface CardUpdateAllowance {
  /** Resolves when one more update may be sent: takes it, waiting for it if need be. */
  take(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One instance (SQLite): a token bucket in this process, refilled at `perSecond` and holding at most as
 * many, so a burst of as many is allowed after a quiet second.
 */
export class LocalCardUpdateAllowance implements CardUpdateAllowance {
  private allowance: number;
  private refilledAt = performance.now();

  constructor(private readonly perSecond: number) {
    this.allowance = perSecond;
  }

  async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.allowance = Math.min(this.perSecond, this.allowance + ((now - this.refilledAt) * this.perSecond) / 1000);
      this.refilledAt = now;
      if (this.allowance >= 1) {
        this.allowance -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.allowance) * 1000) / this.perSecond));
    }
  }
}

/** Tokens taken from the shared bucket at once: one statement for this many updates at full rate. */
const BATCH = 5;
/** Tokens taken but not spent within this long lapse: held back longer, they would make a burst above the rate. */
const HELD_MS = 1000;
/** The name of the bucket in rate_allowances. */
const ALLOWANCE = 'teams_card_updates';

/**
 * Instances sharing one PostgreSQL: one bucket in the database (rateAllowancesRepository.ts), from which each
 * instance takes a few tokens at a time, spent by its next updates. So the instances together stay within
 * Teams' rate, and each gets what the others leave: two instances each send half as many, not as many again.
 */
export class SharedCardUpdateAllowance implements CardUpdateAllowance {
  private held = 0;
  private heldUntil = 0;
  /** The one take from the bucket on its way: concurrent updates wait for it rather than each ask. */
  private taking: Promise<void> | undefined;

  constructor(private readonly deps: { db: Db; perSecond: number }) {}

  async take(): Promise<void> {
    for (;;) {
      if (this.held > 0 && performance.now() < this.heldUntil) {
        this.held -= 1;
        return;
      }
      this.taking ??= this.takeFromBucket().finally(() => (this.taking = undefined));
      await this.taking;
    }
  }

  private async takeFromBucket(): Promise<void> {
    const { db, perSecond } = this.deps;
    const { granted, left } = await takeRateTokens(db, { name: ALLOWANCE, want: Math.min(BATCH, perSecond), perSecond });
    if (granted > 0) {
      this.held = granted;
      this.heldUntil = performance.now() + HELD_MS;
      return;
    }
    // None whole: updates are waiting, so wait until a batch is there, as the bucket refills (others may take
    // it first; then this waits again). One statement per batch, not per token, while the rate holds them back.
    // Each waits a random while longer: instances that all waited as long would wake in the same order each
    // time, and the one always a little later would never get any.
    const untilBatch = ((Math.min(BATCH, perSecond) - left) * 1000) / perSecond;
    await sleep(Math.ceil(untilBatch * (1 + Math.random())));
  }
}
