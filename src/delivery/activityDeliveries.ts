import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { claimDelivery, forgetExpiredDeliveries } from '../store/deliveredActivitiesRepository.js';
import type { Database } from '../store/schema.js';

/** How long a delivery is remembered: Teams re-sends within about 15 s; twenty times that is plenty. */
export const DELIVERY_REMEMBERED_MS = 5 * 60_000;
/** Expired deliveries are forgotten at most this often, by whichever delivery comes then. */
const FORGET_EVERY_MS = 60_000;

/**
 * The rule that an activity delivered more than once (Teams' retry after a slow answer, with the same
 * activity id) acts once. A delivery is claimed in the database before it is acted on: on any instance,
 * and even while the first delivery is still running, a repeat finds the claim. Claims expire, so the
 * table holds only the last few minutes of activities.
 */
export class ActivityDeliveries {
  private forgottenAt = 0;

  constructor(private readonly deps: { db: Kysely<Database>; clock: () => Date }) {}

  /** True for the first delivery of an activity (by conversation and activity id), false for any repeat. */
  async isFirstDelivery(conversationId: string, activityId: string): Promise<boolean> {
    const now = this.deps.clock();
    if (now.getTime() - this.forgottenAt >= FORGET_EVERY_MS) {
      this.forgottenAt = now.getTime();
      await forgetExpiredDeliveries(this.deps.db, now.toISOString());
    }
    return claimDelivery(this.deps.db, deliveryKey(conversationId, activityId), now.toISOString(), new Date(now.getTime() + DELIVERY_REMEMBERED_MS).toISOString());
  }
}

/** A fixed-size key, whatever the length of the ids a client sent. */
function deliveryKey(conversationId: string, activityId: string): string {
  return createHash('sha256').update(conversationId).update('\u0000').update(activityId).digest('hex');
}
