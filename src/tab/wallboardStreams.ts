import type { Logger } from 'pino';
import type { WallboardView } from './wallboard.js';

/** One open wallboard (a supervisor's tab), live over server-sent events. */
export interface WallboardStream {
  readonly supervisorId: string;
  send(view: WallboardView): void;
  close(): void;
  readonly closed: boolean;
}

export interface WallboardStreamsDeps {
  /** The wallboard now, as this supervisor sees it. */
  view(supervisorId: string): Promise<WallboardView>;
  logger: Logger;
  /** Open wallboards one supervisor may hold; a newer one closes their oldest. */
  maxPerSupervisor?: number;
  /** How often every open wallboard gets a fresh view, for its clocks (time in state, waits, the interval). */
  tickMs?: number;
  /** Changes closer together than this are drawn once. */
  settleMs?: number;
}

const MAX_PER_SUPERVISOR = 4;
const TICK_MS = 15_000;
const SETTLE_MS = 1000;

/**
 * The open wallboards. Each gets the wallboard when it connects, again shortly after any agent's state or
 * interaction changes (many changes at once are drawn once), and every 15 s for the clocks. Every
 * supervisor sees the same board, so one view is drawn per push, whatever the number of wallboards.
 */
export class WallboardStreams {
  private readonly bySupervisor = new Map<string, WallboardStream[]>();
  private settling: NodeJS.Timeout | undefined;
  private ticking: NodeJS.Timeout | undefined;
  private drawing = false;
  private again = false;

  constructor(private readonly deps: WallboardStreamsDeps) {}

  /** Adds a wallboard and sends it the board now; returns how to remove it. */
  add(stream: WallboardStream): () => void {
    const own = this.bySupervisor.get(stream.supervisorId) ?? [];
    own.push(stream);
    this.bySupervisor.set(stream.supervisorId, own);
    // Bounded: a supervisor's oldest wallboard gives way (a tab left open elsewhere reconnects if it is still wanted).
    while (own.length > (this.deps.maxPerSupervisor ?? MAX_PER_SUPERVISOR)) own.shift()!.close();
    this.startTicking();
    void this.deps.view(stream.supervisorId).then(
      (view) => stream.send(view),
      (error: unknown) => {
        this.deps.logger.warn({ err: error }, 'the wallboard could not be drawn');
        stream.close();
      },
    );
    return () => this.remove(stream);
  }

  /** An agent's state or an interaction changed: every open wallboard is drawn anew, once the changes settle. */
  changed(): void {
    if (this.settling || this.connections === 0) return;
    this.settling = setTimeout(() => {
      this.settling = undefined;
      void this.push();
    }, this.deps.settleMs ?? SETTLE_MS);
    this.settling.unref();
  }

  get connections(): number {
    let n = 0;
    for (const streams of this.bySupervisor.values()) n += streams.length;
    return n;
  }

  closeAll(): void {
    for (const streams of [...this.bySupervisor.values()]) for (const stream of [...streams]) stream.close();
    this.bySupervisor.clear();
    this.stopTicking();
    clearTimeout(this.settling);
    this.settling = undefined;
  }

  private remove(stream: WallboardStream): void {
    const own = this.bySupervisor.get(stream.supervisorId);
    if (!own) return;
    const at = own.indexOf(stream);
    if (at >= 0) own.splice(at, 1);
    if (own.length === 0) this.bySupervisor.delete(stream.supervisorId);
    if (this.connections === 0) this.stopTicking();
  }

  /** Draws the board once and sends it to every open wallboard; a push asked for meanwhile runs after it. */
  private async push(): Promise<void> {
    if (this.drawing) {
      this.again = true;
      return;
    }
    this.drawing = true;
    try {
      do {
        this.again = false;
        const [supervisorId] = this.bySupervisor.keys();
        if (!supervisorId) return;
        let view: WallboardView;
        try {
          view = await this.deps.view(supervisorId);
        } catch (error) {
          this.deps.logger.warn({ err: error }, 'the wallboard could not be drawn');
          return;
        }
        for (const streams of this.bySupervisor.values()) for (const stream of streams) if (!stream.closed) stream.send(view);
      } while (this.again);
    } finally {
      this.drawing = false;
    }
  }

  private startTicking(): void {
    if (this.ticking) return;
    this.ticking = setInterval(() => void this.push(), this.deps.tickMs ?? TICK_MS);
    this.ticking.unref();
  }

  private stopTicking(): void {
    clearInterval(this.ticking);
    this.ticking = undefined;
  }
}
