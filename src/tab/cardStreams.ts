import type { Logger } from 'pino';
import type { TabView } from './tabViews.js';

/** One open tab's live connection (server-sent events). */
export interface CardStream {
  readonly agentId: string;
  /** The tab's session id (one per page load), so the tab that clicked is not sent the echo of its click. */
  readonly session: string | undefined;
  send(view: TabView): void;
  close(): void;
  readonly closed: boolean;
}

export interface CardStreamsDeps {
  /** The view of a changed interaction for its agent, or undefined when the tab should not show it. */
  changedView(agentId: string, interactionId: string): Promise<TabView | undefined>;
  /** The agent's current view, sent first on every new connection. */
  currentView(agentId: string): Promise<TabView>;
  logger: Logger;
}

interface Job {
  targets: Set<CardStream>;
  compute(): Promise<TabView | undefined>;
}

/**
 * The tabs listening for card changes, by agent. A change is sent to each of the agent's open tabs, but a
 * tab running an action on that same interaction hears of it only when its action has ended: its answer
 * is what it shows first, and one later view after it then carries whatever changed meanwhile (an ACW write
 * finishing while Complete ACW was answered, say), so nothing is missed and nothing is drawn twice. Work for
 * one agent runs in order; changes that pile up for one interaction are drawn once. Every view sent, and
 * every action's answer, carries a revision (see TabView.revision).
 */
export class CardStreams {
  private readonly byAgent = new Map<string, Set<CardStream>>();
  private readonly acting = new Map<string, number>();
  /** session + interaction → the change a tab missed while its action ran, sent when the action ends. */
  private readonly owed = new Map<string, { agentId: string; interactionId: string; streams: Set<CardStream> }>();
  /** Starts from the clock, so a tab that reconnects to a restarted server still sees revisions grow. */
  private revisions = Date.now() * 1000;
  private readonly queues = new Map<string, Map<string, Job>>();
  private readonly running = new Set<string>();
  private snapshots = 0;

  constructor(private readonly deps: CardStreamsDeps) {}

  /** Adds a connection and sends it the agent's current view; returns how to remove it. */
  add(stream: CardStream): () => void {
    let streams = this.byAgent.get(stream.agentId);
    if (!streams) this.byAgent.set(stream.agentId, (streams = new Set()));
    streams.add(stream);
    this.enqueue(stream.agentId, `snapshot:${++this.snapshots}`, new Set([stream]), () => this.deps.currentView(stream.agentId));
    return () => {
      streams.delete(stream);
      if (streams.size === 0 && this.byAgent.get(stream.agentId) === streams) this.byAgent.delete(stream.agentId);
    };
  }

  /** A new revision: taken when a view begins to be drawn, so a higher one saw at least as much. */
  revision(): number {
    return ++this.revisions;
  }

  /**
   * Runs a tab's action; while it runs, changes of that interaction are held back from that tab, then sent
   * as one change once it has ended.
   */
  async whileActing<T>(session: string | undefined, interactionId: string | undefined, run: () => Promise<T>): Promise<T> {
    if (!session || !interactionId) return run();
    const key = `${session}\n${interactionId}`;
    this.acting.set(key, (this.acting.get(key) ?? 0) + 1);
    try {
      return await run();
    } finally {
      const left = (this.acting.get(key) ?? 1) - 1;
      if (left > 0) this.acting.set(key, left);
      else {
        this.acting.delete(key);
        const owed = this.owed.get(key);
        this.owed.delete(key);
        if (owed) this.send(owed.agentId, owed.interactionId, owed.streams);
      }
    }
  }

  /** An interaction's card changed (InteractionEvents.onCardChanged). Who hears of it is decided now. */
  changed(change: { interactionId: string; agentId: string }): void {
    const { agentId, interactionId } = change;
    const streams = this.byAgent.get(agentId);
    if (!streams) return;
    const now = new Set<CardStream>();
    for (const stream of streams) {
      const key = stream.session && `${stream.session}\n${interactionId}`;
      if (!key || !this.acting.has(key)) {
        now.add(stream);
        continue;
      }
      const owed = this.owed.get(key) ?? { agentId, interactionId, streams: new Set<CardStream>() };
      owed.streams.add(stream);
      this.owed.set(key, owed);
    }
    this.send(agentId, interactionId, now);
  }

  private send(agentId: string, interactionId: string, targets: Set<CardStream>): void {
    if (targets.size === 0) return;
    this.enqueue(agentId, `change:${interactionId}`, targets, () => this.deps.changedView(agentId, interactionId));
  }

  get connections(): number {
    let n = 0;
    for (const streams of this.byAgent.values()) n += streams.size;
    return n;
  }

  closeAll(): void {
    for (const streams of this.byAgent.values()) for (const stream of streams) stream.close();
    this.byAgent.clear();
    this.queues.clear();
    this.owed.clear();
  }

  private enqueue(agentId: string, key: string, targets: Set<CardStream>, compute: () => Promise<TabView | undefined>): void {
    let queue = this.queues.get(agentId);
    if (!queue) this.queues.set(agentId, (queue = new Map()));
    const pending = queue.get(key);
    if (pending) for (const t of targets) pending.targets.add(t);
    else queue.set(key, { targets, compute });
    if (!this.running.has(agentId)) {
      this.running.add(agentId);
      void this.drain(agentId);
    }
  }

  private async drain(agentId: string): Promise<void> {
    try {
      for (;;) {
        const queue = this.queues.get(agentId);
        const next = queue?.entries().next();
        if (!queue || !next || next.done) {
          this.queues.delete(agentId);
          return;
        }
        const [key, job] = next.value;
        queue.delete(key);
        const live = [...job.targets].filter((s) => !s.closed);
        if (live.length === 0) continue;
        let view: TabView | undefined;
        const revision = this.revision();
        try {
          view = await job.compute();
        } catch (error) {
          // The interaction is gone, or no longer this agent's: there is nothing to show them.
          this.deps.logger.warn({ err: error, agentId, job: key }, 'tab card not sent');
          continue;
        }
        if (view) for (const stream of live) if (!stream.closed) stream.send({ ...view, revision });
      }
    } finally {
      this.running.delete(agentId);
    }
  }
}
