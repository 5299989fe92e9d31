import type { Logger } from 'pino';

export interface RefusalLogOptions {
  /** Lines written per window; refusals beyond it are counted, and the count is written once the window ends. */
  linesPerWindow?: number;
  windowMs?: number;
  level?: 'info' | 'warn';
  clock?: () => number;
}

/**
 * One structured line per refused request, at most `linesPerWindow` a minute: whoever sends a flood of bad
 * requests must not also fill the log (or the disk). What was left out is counted and reported once the
 * window ends, with the next refusal. Never a stack: a refusal is the client's mistake, not ours.
 */
export class RefusalLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private readonly linesPerWindow: number;
  private readonly windowMs: number;
  private readonly clock: () => number;
  private readonly level: 'info' | 'warn';

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    options: RefusalLogOptions = {},
  ) {
    this.linesPerWindow = options.linesPerWindow ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.level = options.level ?? 'warn';
  }

  refused(fields: Record<string, unknown>): void {
    const now = this.clock();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.logger[this.level]({ suppressed: this.suppressed, windowMs: this.windowMs }, `${this.message}: more not logged`);
      this.windowStart = now;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written >= this.linesPerWindow) {
      this.suppressed += 1;
      return;
    }
    this.written += 1;
    this.logger[this.level](fields, this.message);
  }
}

/** At most `max` characters of something a client sent, for a log line: never a whole user input. */
export function clip(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
