import type { Logger } from 'pino';
import type pg from 'pg';

/** Waits before connecting again after a lost connection: doubling from the first, up to the last. */
const RECONNECT_MS = { first: 100, max: 5_000 };

export interface PgListenOptions {
  connectionString: string;
  /** The channel, as NOTIFY/pg_notify name it (quoted here: case and characters kept). */
  channel: string;
  onNotification(payload: string): void;
  /** Called after a lost connection is back and listening again: notifications sent meanwhile are lost. */
  onResubscribed(): void;
  logger: Logger;
}

/** The listener's application_name (pg_stat_activity), by channel: how an operator (or a test) finds it. */
export function listenerName(channel: string): string {
  return `listen ${channel}`.slice(0, 63);
}

export interface PgListener {
  close(): Promise<void>;
}

/**
 * A dedicated connection that LISTENs to one channel (a pooled connection would drop its LISTEN when
 * returned). When the connection is lost it reconnects, with a growing wait, and LISTENs again.
 */
export async function listenToChannel(options: PgListenOptions): Promise<PgListener> {
  const { default: pgModule } = await import('pg');
  const { logger } = options;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let wait = RECONNECT_MS.first;

  const connect = async (): Promise<void> => {
    const next = new pgModule.Client({ connectionString: options.connectionString, application_name: listenerName(options.channel) });
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onNotification(message.payload);
    });
    next.on('error', (error) => logger.warn({ err: error }, 'card change listener connection failed'));
    // Only the connection in use reconnects when it ends: one failing while it connects is retried by its caller.
    next.on('end', () => {
      if (client !== next) return;
      client = undefined;
      if (!closed) reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`LISTEN "${options.channel.replace(/"/g, '""')}"`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    wait = RECONNECT_MS.first;
  };

  const reconnectLater = (): void => {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => {
          if (closed) return;
          logger.info({ channel: options.channel }, 'card change listener connected again');
          options.onResubscribed();
        },
        (error: unknown) => {
          logger.warn({ err: error, retryMs: wait }, 'card change listener could not reconnect');
          wait = Math.min(wait * 2, RECONNECT_MS.max);
          reconnectLater();
        },
      );
    }, wait);
    retry.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
