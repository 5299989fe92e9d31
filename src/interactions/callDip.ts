import type { Interaction } from '../domain/interaction.js';
import { dipOutcome, searchIdentity, type DataDipOutcome } from './dataDipScript.js';
import { latestActivities, type RecordHistoryDeps } from './recordHistory.js';

/** A call's data dip as read from the CRM, bound to its interaction once the call is routed. */
export type PreparedCallDip = (interaction: Interaction) => DataDipOutcome;

/**
 * The CRM's part of a call's data dip, which needs no interaction yet: Search for ANI, then the latest
 * activities of the record it links (the single match). What is linked and what the card says are worked out
 * when the interaction is bound.
 */
export async function prepareCallDip(deps: Omit<RecordHistoryDeps, 'repos'>, configurationId: string, ani: string): Promise<PreparedCallDip> {
  const identity = { phoneNumber: ani };
  const found = await searchIdentity(deps.engine, configurationId, identity);
  const activities = new Map<string, Awaited<ReturnType<typeof latestActivities>>>();
  const offered = { id: 'an offered call', configurationId };
  for (const link of dipOutcome(found, offered, identity, 'call').links.filter((l) => l.linked)) {
    activities.set(`${link.recordType}:${link.recordId}`, await latestActivities(deps, offered, link));
  }
  return (interaction) => {
    const dip = dipOutcome(found, interaction, identity, 'call');
    for (const link of dip.links.filter((l) => l.linked)) link.activities = activities.get(`${link.recordType}:${link.recordId}`);
    return dip;
  };
}

/** How long a dip started ahead is kept for its offer; one not taken by then (its agent was busy, a repeat) is dropped. */
const KEPT_MS = 10_000;
/** Dips kept at most: a flood of offers cannot hold the memory of more. */
const KEPT = 1_000;

/**
 * Data dips started as their offers arrive, before the offer's turn in the ACD's one event queue: the CRM's
 * answer (hundreds of ms on a cloud CRM) then comes while the events ahead are applied, instead of each offer
 * waiting in turn for its own. The offer takes its dip when its turn comes; the same CRM reads, only earlier.
 */
export class CallDipPrefetch {
  /** By contact: its dip, until taken; a taken one stays, without its dip, so a retried offer is not searched again. */
  private readonly started = new Map<string, { dip?: Promise<PreparedCallDip>; at: number }>();
  /** Dips still reading the CRM, taken or not: a stop waits for them before the store closes. */
  private readonly reading = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: Omit<RecordHistoryDeps, 'repos'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `contactId`: the ACD's contact the dip is for (two contacts from one number each have their own). */
  start(configurationId: string, contactId: string, ani: string): void {
    const key = keyOf(configurationId, contactId, ani);
    this.dropExpired();
    if (this.started.has(key) || this.started.size >= KEPT) return;
    const dip = prepareCallDip(this.deps, configurationId, ani);
    // Its taker sees a failure; one never taken must not be an unhandled rejection.
    const read: Promise<unknown> = dip.then(
      () => this.reading.delete(read),
      () => this.reading.delete(read),
    );
    this.reading.add(read);
    this.started.set(key, { dip, at: this.now() });
  }

  /** Resolves once every dip started so far has finished reading the CRM. */
  async settled(): Promise<void> {
    while (this.reading.size > 0) await Promise.all([...this.reading]);
  }

  /** The dip started for this contact and number, if one is kept; it is the taker's alone. */
  take(configurationId: string, contactId: string, ani: string): Promise<PreparedCallDip> | undefined {
    const kept = this.started.get(keyOf(configurationId, contactId, ani));
    if (!kept || this.now() - kept.at >= KEPT_MS) return undefined;
    const { dip } = kept;
    kept.dip = undefined;
    return dip;
  }

  /**
   * Gives back a dip taken for an offer that did not go through (its agent was still on another contact): the
   * offer made when they are free takes it then, within the time it is kept from its start.
   */
  putBack(configurationId: string, contactId: string, ani: string, dip: Promise<PreparedCallDip>): void {
    const kept = this.started.get(keyOf(configurationId, contactId, ani));
    if (kept && !kept.dip) kept.dip = dip;
  }

  private dropExpired(): void {
    // The Map's order is the order they started: the expired ones are first.
    for (const [key, { at }] of this.started) {
      if (this.now() - at < KEPT_MS) return;
      this.started.delete(key);
    }
  }
}

const keyOf = (configurationId: string, contactId: string, ani: string) => `${configurationId}\u0000${contactId}\u0000${ani}`;
