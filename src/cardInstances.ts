import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { PgCardChangeBus } from './interactions/cardChangeBus.js';
import { SharedCardSends, type CardMessageSends } from './interactions/cardMessageSends.js';
import { SharedCardUpdateAllowance, UPDATES_PER_SECOND, type CardUpdateAllowance } from './interactions/cardUpdateAllowance.js';
import { InteractionEvents } from './interactions/interactionEvents.js';
import { StaleCardSweep, type StaleCardTiming } from './interactions/staleCardSweep.js';
import type { Store } from './store/database.js';

/** Card changes, and how card messages are sent, beside the other instances on the same database. */
export interface CardInstances {
  events: InteractionEvents;
  /** On PostgreSQL: the order of one message's updates across instances (default: this process alone). */
  sends?: CardMessageSends;
  /** On PostgreSQL: Teams' rate, shared by every instance (default: this process's own). */
  allowance?: CardUpdateAllowance;
  /** Starts looking for card messages left behind (PostgreSQL). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Many instances, one truth: on PostgreSQL, card changes reach the other instances (LISTEN/NOTIFY), card
 * message updates are ordered across them and share Teams' rate, and a message an instance left behind is
 * brought up to date by another; on SQLite this process is the only one.
 */
export async function createCardInstances(config: AppConfig, store: Store, logger: Logger, clock: () => Date, staleCards?: StaleCardTiming): Promise<CardInstances> {
  const onListenerError = (error: unknown) => logger.error({ err: error }, 'card update failed');
  if (!config.databaseUrl) {
    return { events: new InteractionEvents(onListenerError), start: () => undefined, stop: async () => undefined };
  }
  const instanceId = randomUUID();
  const instancesLogger = logger.child({ part: 'instances' });
  const bus = await PgCardChangeBus.start({ db: store.db, connectionString: config.databaseUrl, schema: store.schema, instanceId, logger: instancesLogger, clock });
  const events = new InteractionEvents(onListenerError, bus);
  const sweep = new StaleCardSweep({ db: store.db, events, logger: instancesLogger, clock, timing: staleCards });
  return {
    events,
    sends: new SharedCardSends({ db: store.db, instanceId, clock }),
    allowance: new SharedCardUpdateAllowance({ db: store.db, perSecond: UPDATES_PER_SECOND }),
    start: () => sweep.start(),
    async stop() {
      await sweep.stop();
      await bus.close();
    },
  };
}
