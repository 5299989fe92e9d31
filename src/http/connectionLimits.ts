import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpConfig } from '../config.js';
import type { RefusalLog } from './refusalLog.js';

export type ConnectionLimits = Pick<HttpConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'maxConnectionsPerClient'>;

/**
 * What one client may hold of the server. Node answers 408 and closes a connection whose headers, or whose
 * whole request (a body shorter than its Content-Length), have not arrived in time; the timeouts are checked
 * every quarter of the headers timeout (at most every second) instead of Node's default 30 s, and a
 * connection that sends nothing at all is closed after the headers timeout too. Connections
 * beyond `maxConnectionsPerClient` from one address are destroyed as they are accepted: no byte is read or
 * written for them. Call before `listen`.
 */
export function limitConnections(server: Server, limits: ConnectionLimits, refusals: RefusalLog): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Read by Node when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, Math.max(25, Math.floor(limits.headersTimeoutMs / 4)));

  // Node's headers timeout starts with a request's first byte: a connection that sends none is ended here.
  server.on('connection', (socket: Socket) => {
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.headersTimeoutMs);
    silent.unref();
    socket.once('close', () => clearTimeout(silent));
  });

  const max = limits.maxConnectionsPerClient;
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? 'unknown';
    const count = open.get(client) ?? 0;
    if (count >= max) {
      socket.destroy();
      refusals.refused({ client, open: count, limit: max });
      return;
    }
    open.set(client, count + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
