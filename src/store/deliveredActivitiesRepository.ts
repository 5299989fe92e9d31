import type { Db } from './db.js';
import { preparedQuery } from './preparedQuery.js';

/**
 * Claims a delivery: true when no unexpired claim of the same key exists (the claim is then this one's, until
 * `expiresAt`), false when there is one. One statement, so of two deliveries claiming at once, one wins.
 */
export async function claimDelivery(db: Db, key: string, now: string, expiresAt: string): Promise<boolean> {
  return (await claim.changed(db, { key, now, expiresAt })) > 0;
}

// Prepared (preparedQuery.ts): every activity Teams delivers is claimed.
const claim = preparedQuery<{ key: string; now: string; expiresAt: string }>()((db, value) =>
  db
    .insertInto('delivered_activities')
    .values({ delivery_key: value('key'), expires_at: value('expiresAt') })
    // An expired claim not swept yet is claimed anew; an unexpired one is left as it is (no row changes).
    .onConflict((oc) =>
      oc
        .column('delivery_key')
        .doUpdateSet({ expires_at: value('expiresAt') })
        .where('delivered_activities.expires_at', '<=', value('now')),
    ),
);

/** Deletes the claims expired by `now`; returns how many. */
export async function forgetExpiredDeliveries(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('delivered_activities').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
