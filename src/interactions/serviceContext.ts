import type { Logger } from 'pino';
import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import type { Interaction } from '../domain/interaction.js';
import type { Repositories, UnitOfWork } from '../store/unitOfWork.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { drawCard, type CardQueryDeps, type HeldForCard } from './cardDrawing.js';
import { CardChanges, type OwnerView } from './cardChanges.js';
import type { InteractionEvents } from './interactionEvents.js';
import { Ownership } from './ownership.js';
import type { RecordHistoryDeps } from './recordHistory.js';
import { SearchLookups } from './searchLookups.js';

/** What the interaction services (CallLifecycle, CardRecords, CustomerMerging, CardQuery) are built from. */
export interface InteractionServicesDeps {
  unit: UnitOfWork;
  engine: WorkflowEngine;
  logger: Logger;
  defaultRegion: string;
  dispositions: readonly string[];
  /** Called after a commit that queued ACW jobs, so they run now rather than at the next poll. */
  onJobsQueued: () => void;
  /** Told after every committed change of a card. */
  events: InteractionEvents;
  clock?: () => Date;
  /** Written in the same transaction as After Call Work completed by the agent (the ACD webhook's outbox). */
  recordAcwCompleted?: (repos: Repositories, done: Interaction, at: string) => Promise<void>;
}

/**
 * The parts the interaction services share, one of each: the unit of work and its read path, the clock, the
 * ownership guard every caller-given id goes through, the change notifier, and what each agent's last
 * search outside a call found (written by CardRecords.search, read by CardQuery.lookupDetails).
 */
export class ServiceContext implements CardQueryDeps, RecordHistoryDeps {
  readonly unit: UnitOfWork;
  /** The read path (and single-statement writes): outside any transaction. */
  readonly repos: Repositories;
  readonly engine: WorkflowEngine;
  readonly logger: Logger;
  readonly defaultRegion: string;
  readonly dispositions: readonly string[];
  readonly clock: () => Date;
  readonly ownership: Ownership;
  readonly changes: CardChanges;
  readonly lookups = new SearchLookups();

  constructor(
    readonly deps: InteractionServicesDeps,
    ownerView: OwnerView,
  ) {
    this.unit = deps.unit;
    this.repos = deps.unit.repos;
    this.engine = deps.engine;
    this.logger = deps.logger;
    this.defaultRegion = deps.defaultRegion;
    this.dispositions = deps.dispositions;
    this.clock = deps.clock ?? (() => new Date());
    this.ownership = new Ownership(this.repos);
    this.changes = new CardChanges(deps.events, this.repos.interactions, ownerView);
  }

  /** The card of an interaction the caller may read, as it stands now (`held`: what the caller holds of it as stored now). */
  draw(interaction: Interaction, notice: Notice | undefined, duplicateQuery?: string, held?: HeldForCard): Promise<CustomerCardView> {
    return drawCard(this, interaction, { notice, duplicateQuery, now: this.clock(), held });
  }
}
