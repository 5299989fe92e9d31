import type { Request, Response } from 'restify';
import type { TabCaller } from '../auth/tabIdentity.js';

/** One open server-sent events response: its events are JSON of one name ("card", "wallboard"). */
export interface EventStream {
  send(data: unknown): void;
  close(): void;
  readonly closed: boolean;
}

export interface EventStreamOptions {
  /** The name of every event it sends. */
  event: string;
  /** How often a keep-alive comment is sent. */
  heartbeatMs: number;
  /** The longest it stays open; it ends sooner when the caller's token does. */
  maxMs: number;
  /** Told once, when it ends for any reason (the client left, the token expired, close()). */
  onClose(): void;
}

/**
 * Opens a live connection to the tab (text/event-stream): keep-alive comments, and an end when the token that
 * opened it expires (the tab reconnects with a fresh one), so a stream never outlives its proof of identity.
 * The card stream and the supervisors' wallboard both go through it.
 */
export function openEventStream(req: Request, res: Response, caller: TabCaller, options: EventStreamOptions): EventStream {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': live\n\n');
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const stream: EventStream = {
    get closed() {
      return closed;
    },
    send(data) {
      if (!closed) res.write(`event: ${options.event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (closed) return;
      closed = true;
      timers.forEach(clearTimeout);
      options.onClose();
      res.end();
    },
  };
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': keep-alive\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();
  timers.push(heartbeat);
  const lifetime = Math.min(options.maxMs, caller.expiresAt ? caller.expiresAt.getTime() - Date.now() : options.maxMs);
  const expiry = setTimeout(() => stream.close(), Math.max(0, lifetime));
  expiry.unref();
  timers.push(expiry);
  req.once('close', () => stream.close());
  res.once('close', () => stream.close());
  return stream;
}
