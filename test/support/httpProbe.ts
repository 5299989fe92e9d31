import { connect, type Socket } from 'node:net';
import { sql } from 'kysely';
import type { Store } from '../../src/store/database.js';

/** What came back on a raw connection: the status and body (if any answer came), and whether it closed. */
export interface RawAnswer {
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  closed: boolean;
  ms: number;
}

/**
 * Sends a request over a plain socket, byte by byte as given (a head, then body chunks, possibly fewer bytes
 * than the head declares), and waits for the answer and the close, at most `waitMs`. For what fetch cannot
 * send: wrong lengths, stalls, bodies larger than they say.
 */
export function rawRequest(port: number, head: string, body: AsyncIterable<Buffer> | Buffer[] = [], waitMs = 5_000): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(received), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined); // a reset after the answer: the close says the rest
    socket.on('connect', () => {
      socket.write(head);
      void (async () => {
        for await (const chunk of body) {
          if (socket.destroyed || received) break;
          if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
        }
      })().catch(() => undefined);
    });
  });
}

function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: undefined, headers: {}, body: '' };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** Every table's rows, counted, and the agents and interactions as they are: equal fingerprints, nothing changed. */
export async function dbFingerprint(store: Store): Promise<string> {
  const tables = ['agents', 'interactions', 'interaction_records', 'jobs', 'conversation_refs', 'customers', 'customer_identifiers', 'crm_records', 'crm_record_keys'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    counts[table] = Number(row.rows[0]!.n);
  }
  const agents = await store.db.selectFrom('agents').selectAll().orderBy('id').execute();
  const interactions = await store.db.selectFrom('interactions').selectAll().orderBy('id').execute();
  return JSON.stringify({ counts, agents, interactions });
}
