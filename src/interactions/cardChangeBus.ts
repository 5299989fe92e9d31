import type { Logger } from 'pino';
import { z } from 'zod';
import { announceCardRevisions, liveCards } from '../store/cardRevisionsRepository.js';
import type { Db } from '../store/db.js';
import { listenToChannel, type PgListener } from '../store/pgNotifications.js';

/** A card change heard from another instance: no drawn view (views stay local), and its revision if known. */
export interface RemoteCardChange {
  interactionId: string;
  agentId: string;
  revision?: number;
}

/**
 * Carries card changes between the instances sharing one database. InteractionEvents tells its own
 * listeners first, then announces the change here; what other instances announce comes back through
 * onRemoteChange. On SQLite there is one instance and no bus: InteractionEvents alone is the bus.
 */
export interface CardChangeBus {
  /**
   * Resolves with the card revision the change got (undefined if it could not be announced). `created`: the
   * change created the interaction, whose first card is revision 0.
   */
  announce(change: { interactionId: string; agentId: string; created?: boolean }): Promise<number | undefined>;
  onRemoteChange(listener: (change: RemoteCardChange) => void): void;
  close(): Promise<void>;
}

/** One channel per schema: tests run one schema per store in one database, and must not hear each other. */
export function cardChangedChannel(schema: string | undefined): string {
  return schema ? `card_changed_${schema}` : 'card_changed';
}

/** After a lost connection, cards completed this recently are still treated as possibly changed (ACW jobs). */
const CATCH_UP_COMPLETED_MS = 60 * 60_000;

const notification = z.object({
  interactionId: z.string(),
  agentId: z.string(),
  revision: z.number().int(),
  origin: z.string(),
});

/**
 * The bus on PostgreSQL: each change bumps the card's revision and NOTIFYs it (after the change committed:
 * InteractionEvents is told only then); a dedicated LISTEN connection hears the others'. The changes raised
 * in one turn of the event loop (a batch of ACW jobs ending tells of each of its interactions at once) are
 * announced together, in one statement: PostgreSQL serializes every notifying commit of every instance, so a
 * statement per change made the instances queue for each other. When the listening connection was lost,
 * every live card is raised as possibly changed, since notifications sent meanwhile are gone.
 */
export class PgCardChangeBus implements CardChangeBus {
  private readonly listeners = new Set<(change: RemoteCardChange) => void>();
  private listener: PgListener | undefined;
  /**
   * Changes raised in this turn, not announced yet: interaction → its agent and who waits for its revision (a
   * second change of one card makes one announcement).
   */
  private pending = new Map<string, { agentId: string; created: boolean; revision: Deferred }>();
  private flushing: Promise<void> = Promise.resolve();

  private constructor(private readonly deps: { db: Db; channel: string; instanceId: string; logger: Logger; clock: () => Date }) {}

  static async start(deps: { db: Db; connectionString: string; schema: string | undefined; instanceId: string; logger: Logger; clock: () => Date }): Promise<PgCardChangeBus> {
    const channel = cardChangedChannel(deps.schema);
    const bus = new PgCardChangeBus({ db: deps.db, channel, instanceId: deps.instanceId, logger: deps.logger, clock: deps.clock });
    bus.listener = await listenToChannel({
      connectionString: deps.connectionString,
      channel,
      onNotification: (payload) => bus.heard(payload),
      onResubscribed: () => void bus.catchUp(),
      logger: deps.logger,
    });
    return bus;
  }

  announce(change: { interactionId: string; agentId: string; created?: boolean }): Promise<number | undefined> {
    if (this.pending.size === 0) setImmediate(() => this.flush());
    const before = this.pending.get(change.interactionId);
    const revision = before?.revision ?? deferred();
    this.pending.delete(change.interactionId); // re-inserted: its latest agent is announced
    // Created and changed again in one turn: announced as a change (its first card may have missed the second).
    this.pending.set(change.interactionId, { agentId: change.agentId, created: (before?.created ?? true) && !!change.created, revision });
    return revision.promise;
  }

  /** Announces the changes raised so far, in one statement. */
  private flush(): void {
    const { db, channel, instanceId, logger } = this.deps;
    const pending = this.pending;
    this.pending = new Map();
    if (pending.size === 0) return;
    const changes = [...pending].map(([interactionId, { agentId, created }]) => ({ interactionId, agentId, created }));
    this.flushing = announceCardRevisions(db, { channel, origin: instanceId, now: this.deps.clock().toISOString(), changes }).then(
      (revisions) => {
        for (const [interactionId, { revision }] of pending) revision.resolve(revisions.get(interactionId));
      },
      (error: unknown) => {
        logger.warn({ err: error, interactions: changes.length }, 'card changes not announced to the other instances');
        for (const { revision } of pending.values()) revision.resolve(undefined);
      },
    );
  }

  onRemoteChange(listener: (change: RemoteCardChange) => void): void {
    this.listeners.add(listener);
  }

  /** Announces what is pending, then stops listening. */
  async close(): Promise<void> {
    this.flush();
    await this.flushing;
    await this.listener?.close();
  }

  private heard(payload: string): void {
    let parsed: z.infer<typeof notification>;
    try {
      parsed = notification.parse(JSON.parse(payload));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'card change notification not understood');
      return;
    }
    const { origin, ...change } = parsed;
    if (origin === this.deps.instanceId) return; // our own: its listeners were told when it was raised
    this.raise(change);
  }

  private async catchUp(): Promise<void> {
    try {
      const since = new Date(this.deps.clock().getTime() - CATCH_UP_COMPLETED_MS).toISOString();
      for (const change of await liveCards(this.deps.db, since)) this.raise(change);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'cards not brought up to date after the listener reconnected');
    }
  }

  private raise(change: RemoteCardChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

interface Deferred {
  promise: Promise<number | undefined>;
  resolve: (revision: number | undefined) => void;
}

function deferred(): Deferred {
  let resolve!: (revision: number | undefined) => void;
  const promise = new Promise<number | undefined>((r) => (resolve = r));
  return { promise, resolve };
}
