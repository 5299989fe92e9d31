import { claimCardSend, releaseCardSend } from '../store/cardRevisionsRepository.js';
import type { Db } from '../store/db.js';

/**
 * How updates of one card message are ordered. In one process the CardPublisher alone does it (one update
 * of an interaction at a time, drawn when it starts), so a card it was handed already drawn may be sent.
 * Across instances, two could each draw and then send, the older landing last: see SharedCardSends.
 */
export interface CardMessageSends {
  /** Whether a card drawn before the update started (a change's `view`) may be sent. */
  readonly sendsPredrawnCards: boolean;
  /**
   * Runs `send` (draw the card, then send it), unless a card drawn at `revision` or later was sent already;
   * resolves false if it was skipped. `revision` undefined: always sends.
   */
  inTurn(interactionId: string, revision: number | undefined, send: () => Promise<void>): Promise<boolean>;
}

/** One instance (SQLite): the publisher's own queue orders the updates. */
export const IN_PROCESS_CARD_SENDS: CardMessageSends = {
  sendsPredrawnCards: true,
  async inTurn(_interactionId, _revision, send) {
    await send();
    return true;
  },
};

/** How long an instance may take to draw and send a card (Teams' retries included) before another may. */
const LEASE_MS = 30_000;
/** How often an instance waiting for another's update to finish looks again. */
const POLL_MS = 15;

/**
 * Instances sharing one PostgreSQL: one instance at a time updates a card message (a lease in its row), and
 * draws the card only once it holds it, after reading the card's revision. So each update sent shows at least
 * what the one before it showed, whichever instance sent it, and the last one sent is drawn after the last
 * change. A change carries the revision it was announced at: if a card drawn at or after it was sent already
 * (a later change's update covered it), it is not sent again. A card drawn before its lease is never sent
 * (sendsPredrawnCards: false).
 */
export class SharedCardSends implements CardMessageSends {
  readonly sendsPredrawnCards = false;
  private sends = 0;

  constructor(private readonly deps: { db: Db; instanceId: string; clock: () => Date }) {}

  async inTurn(interactionId: string, revision: number | undefined, send: () => Promise<void>): Promise<boolean> {
    const holder = `${this.deps.instanceId}:${++this.sends}`;
    for (;;) {
      const now = this.deps.clock();
      const claim = await claimCardSend(this.deps.db, {
        interactionId,
        holder,
        now: now.toISOString(),
        until: new Date(now.getTime() + LEASE_MS).toISOString(),
        newerThan: revision,
      });
      if (claim === 'sent' || claim === 'gone') return false;
      if (claim === 'held') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      let sent = false;
      try {
        await send();
        sent = true;
      } finally {
        await releaseCardSend(this.deps.db, { interactionId, holder, ...(sent && { sentRevision: claim.revision }) });
      }
      return true;
    }
  }
}
