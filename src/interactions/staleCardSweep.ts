import type { Logger } from 'pino';
import { takeStaleCards } from '../store/cardRevisionsRepository.js';
import type { Db } from '../store/db.js';
import type { InteractionEvents } from './interactionEvents.js';

export interface StaleCardTiming {
  /** How long the instance that changed a card has to update its message before any instance may. */
  afterMs: number;
  /** How often each instance looks. */
  everyMs: number;
}

export const STALE_CARD_TIMING: StaleCardTiming = { afterMs: 30_000, everyMs: 15_000 };
/** A completed interaction's card is still looked after this long (its ACW writes show on it). */
const COMPLETED_WITHIN_MS = 60 * 60_000;
/** Cards taken in one look; the rest wait for the next. */
const PER_LOOK = 100;

/**
 * Instances sharing one PostgreSQL: the instance that changed a card updates its message (CardPublisher). One
 * that dies between the change and the update, or whose update Teams refused after its retries, leaves the
 * message older than the card. Every instance looks now and then for such messages, behind their card for
 * longer than `afterMs`, and raises a change of each: its own update path then sends the card as it stands
 * (once: the send lease and revisions of SharedCardSends keep two instances from both sending it).
 */
export class StaleCardSweep {
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Db;
      events: Pick<InteractionEvents, 'cardChanged'>;
      logger: Logger;
      clock: () => Date;
      timing?: StaleCardTiming;
    },
  ) {}

  start(): void {
    const { everyMs } = this.deps.timing ?? STALE_CARD_TIMING;
    this.timer = setInterval(() => {
      this.looking = this.look().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'card messages left behind not looked for'));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.looking;
  }

  /** One look: raises a change of each card message found behind its card; gives how many. */
  async look(): Promise<number> {
    const { db, events, logger, clock } = this.deps;
    const { afterMs } = this.deps.timing ?? STALE_CARD_TIMING;
    const now = clock().getTime();
    const stale = await takeStaleCards(db, {
      now: new Date(now).toISOString(),
      changedBefore: new Date(now - afterMs).toISOString(),
      completedSince: new Date(now - COMPLETED_WITHIN_MS).toISOString(),
      limit: PER_LOOK,
    });
    for (const { interactionId, agentId } of stale) events.cardChanged(interactionId, agentId);
    if (stale.length) logger.info({ cards: stale.length }, 'card messages found behind their card: updating them');
    return stale.length;
  }
}
