import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SharedCardUpdateAllowance } from '../../src/interactions/cardUpdateAllowance.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const postgres = STORE_BACKENDS.find((b) => b.name === 'postgres')!;

/** Teams' rate counts every instance of the app: two instances on one PostgreSQL share one allowance. */
describe('the card update allowance shared by the instances on one PostgreSQL', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await postgres.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('lets two instances together send no more than the rate, and each gets a share', async () => {
    const perSecond = 50;
    const instances = [new SharedCardUpdateAllowance({ db: store.db, perSecond }), new SharedCardUpdateAllowance({ db: store.db, perSecond })];
    const taken = [0, 0];
    // Created before the run, as a running product's is: the run measures the sharing, not the first use.
    await instances[0]!.take();
    const started = performance.now();
    const runMs = 1500;
    // Each instance has 4 updates waiting at all times, as a backlog of card changes would.
    await Promise.all(
      instances.flatMap((allowance, i) =>
        Array.from({ length: 4 }, async () => {
          while (performance.now() - started < runMs) {
            await allowance.take();
            if (performance.now() - started < runMs) taken[i]! += 1;
          }
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const total = taken[0]! + taken[1]!;
    // A full bucket at first (a burst of perSecond), then perSecond a second: with one bucket each, the two
    // instances would have sent twice that.
    expect(total).toBeLessThanOrEqual(perSecond + perSecond * seconds + 1);
    expect(total).toBeGreaterThanOrEqual(perSecond);
    expect(Math.min(...taken)).toBeGreaterThan(0);
  });

  it('starts full, the first time it is used on a database', async () => {
    const allowance = new SharedCardUpdateAllowance({ db: store.db, perSecond: 10 });
    const started = performance.now();
    for (let i = 0; i < 10; i++) await allowance.take();
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(0.9);
    const rows = await store.db.selectFrom('rate_allowances').select(['name', 'tokens']).execute();
    expect(rows).toHaveLength(1);
    // The ten came from the full bucket, not from its refill: what is left is at most what refilled meanwhile.
    expect(rows[0]!.tokens).toBeLessThan(1 + 10 * seconds);
  });
});
