import type { CustomerCardView } from '../domain/customerCard.js';
import type { CardChangeBus, RemoteCardChange } from './cardChangeBus.js';

/**
 * "This interaction's card changed": raised after every committed change (a workflow result, a link, a
 * state change, an ACW write finishing), so that each place showing the card (the chat message, the tab)
 * can bring itself up to date, on this instance and (through a CardChangeBus) on every other one sharing its
 * database. Listeners run after the change and must not throw into it.
 */
export interface CardChange {
  interactionId: string;
  agentId: string;
  /** The card as it stands after this change, when the change drew it anyway; absent: draw it afresh. */
  view?: CustomerCardView;
  /** The change created the interaction: no card message shows it yet (its post will carry this card). */
  created?: true;
  /**
   * With other instances (PostgreSQL): the card revision the change was announced at (see cardChangeBus.ts).
   * Set on a change heard from another instance, and on this instance's own once announced (onOwnCardChanged).
   */
  revision?: number;
  /**
   * A card message the interaction has left (a digital conversation transferred, unassigned or dismissed):
   * `agentId`'s message, given one last, read-only update (drawn as `view`), apart from the interaction's
   * current message, which the next agent gets anew.
   */
  retiredMessageId?: string;
}

export type CardChangeListener = (change: CardChange) => void | Promise<void>;

/** Interactions whose latest change is remembered; an older one counts as changed (see changedSince). */
const REMEMBERED = 10_000;

export class InteractionEvents {
  private readonly listeners = new Set<CardChangeListener>();
  private readonly ownListeners = new Set<CardChangeListener>();
  /** Changes raised so far, of every interaction: the clock of mark() and changedSince(). */
  private raised = 0;
  /** interaction id → the number of its latest change, least recently changed first. */
  private readonly latest = new Map<string, number>();
  /** The newest change number forgotten from `latest`: an interaction not in it may have changed up to here. */
  private forgotten = 0;

  /** `bus`: how changes reach the other instances and theirs reach this one; none on SQLite (one instance). */
  constructor(
    private readonly onListenerError: (error: unknown) => void,
    private readonly bus?: CardChangeBus,
  ) {
    bus?.onRemoteChange((change) => this.changedElsewhere(change));
  }

  /** Every change of every card, raised here or heard from another instance, told at once (the tabs). */
  onCardChanged(listener: CardChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The changes raised on this instance only, each told once it was announced to the others, with the
   * revision it got (at once on SQLite): the card message is updated by the instance that changed it, and
   * knows which revision its update must show at least. The other instances only bring their tabs up to date.
   */
  onOwnCardChanged(listener: CardChangeListener): () => void {
    this.ownListeners.add(listener);
    return () => this.ownListeners.delete(listener);
  }

  /** Taken before drawing a card: changedSince(id, mark) then says whether the drawing may have missed a change. */
  mark(): number {
    return this.raised;
  }

  /** Whether a change of this interaction was raised after `mark` (or may have been: see REMEMBERED). */
  changedSince(interactionId: string, mark: number): boolean {
    return (this.latest.get(interactionId) ?? this.forgotten) > mark;
  }

  /**
   * Tells every listener. `view` is the card after the change, if the caller drew it; pass it only if it was
   * drawn from a mark with no change of the interaction since (a change committed while it was drawn may
   * be missing from it, and its own event may already have gone out: the stale view would come last).
   */
  cardChanged(interactionId: string, agentId: string, view?: CustomerCardView, { created = false, retiredMessageId }: { created?: boolean; retiredMessageId?: string } = {}): void {
    const change: CardChange = { interactionId, agentId, ...(view && { view }), ...(created && { created: true as const }), ...(retiredMessageId && { retiredMessageId }) };
    this.remember(interactionId, ++this.raised);
    this.tell(this.listeners, change);
    if (!this.bus) return this.tell(this.ownListeners, change);
    void this.bus.announce({ interactionId, agentId, created }).then((revision) => this.tell(this.ownListeners, revision === undefined ? change : { ...change, revision }));
  }

  /** A change another instance announced: told to this instance's listeners, with no view, not announced again. */
  private changedElsewhere(change: RemoteCardChange): void {
    this.remember(change.interactionId, ++this.raised);
    this.tell(this.listeners, { interactionId: change.interactionId, agentId: change.agentId, ...(change.revision !== undefined && { revision: change.revision }) });
  }

  private tell(listeners: Set<CardChangeListener>, change: CardChange): void {
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(change))
        .catch(this.onListenerError);
    }
  }

  private remember(interactionId: string, change: number): void {
    this.latest.delete(interactionId); // re-inserted: the Map's order is the order of changes
    this.latest.set(interactionId, change);
    if (this.latest.size <= REMEMBERED) return;
    const [oldest, number] = this.latest.entries().next().value!;
    this.latest.delete(oldest);
    this.forgotten = number;
  }
}
