import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefusalLog } from '../../src/http/refusalLog.js';
import { createServer } from '../../src/server.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { dbFingerprint, rawRequest } from '../support/httpProbe.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

const REQUEST_TIMEOUT_MS = 1_000;
const HEADERS_TIMEOUT_MS = 600;
const MAX_CONNECTIONS = 12;

/** 1,000 MB of spaces as ~1 MB of gzip: one compressed MiB repeated as gzip members (a gzip reader inflates them all, one after another). */
async function* gzipBomb(megabytes = 1000): AsyncGenerator<Buffer> {
  const member = gzipSync(Buffer.alloc(1024 * 1024, 0x20), { level: 9 });
  for (let i = 0; i < megabytes; i++) yield member;
}

describe('transport abuse: every refusal is answered at once, changes nothing, and the process stays healthy', () => {
  let store: TestStore;
  let bot: BotHarness;
  let port: number;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    bot = await startBot(store, {
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_MAX_CONNECTIONS_PER_CLIENT: String(MAX_CONNECTIONS),
    });
    port = bot.product.port;
    await bot.user('edge-agent').install();
    await bot.user('edge-agent').sayText('available');
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  /** A chat message that, accepted, would place a call: it creates an interaction and posts a card. */
  const callActivity = (text = 'call +12065550142') => ({
    type: 'message',
    id: `edge-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: bot.serviceUrl,
    from: { id: 'edge-agent', name: 'User edge-agent', aadObjectId: 'aad-edge-agent' },
    recipient: { id: '28:customer-card-bot' },
    conversation: { id: 'a:personal-edge-agent', conversationType: 'personal', tenantId: 'tenant-1' },
    text,
  });
  const head = (path: string, headers: Record<string, string | number>) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;

  /** Runs a refused request and checks the common part: nothing recorded, no database change, /healthz 200. */
  async function refusedWithoutEffect<T>(send: () => Promise<T>): Promise<T> {
    const before = await dbFingerprint(store);
    const recorded = bot.recorded.length;
    const answer = await send();
    await new Promise((r) => setTimeout(r, 100)); // anything the request might have started would show by now
    expect(bot.recorded.length, 'the bot sent nothing').toBe(recorded);
    expect(await dbFingerprint(store), 'the database is unchanged').toBe(before);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    return answer;
  }

  it('accepts the same activity sent plainly (so the refusals below are about how it is sent)', async () => {
    const before = await dbFingerprint(store);
    const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(callActivity()) });
    expect(response.status).toBe(200);
    expect(await dbFingerprint(store)).not.toBe(before);
    await bot.user('edge-agent').say('hangup');
  });

  it('refuses a gzip bomb (1 MB inflating to 1,000 MB) with 415 at once, reading none of it', { timeout: 15_000 }, async () => {
    for (const path of ['/api/messages', '/api/tab/action']) {
      const answer = await refusedWithoutEffect(() =>
        rawRequest(port, head(path, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' }), chunked(gzipBomb()), 8_000),
      );
      expect(answer.status, path).toBe(415);
      expect(JSON.parse(answer.body)).toEqual({ error: 'compressed request bodies are not accepted: send it uncompressed' });
      expect(answer.headers['accept-encoding']).toBe('identity');
      expect(answer.ms).toBeLessThan(2_000);
      expect(answer.closed).toBe(true);
    }
  });

  it('refuses the bomb as the issue sent it (with its Content-Length) and a deflate body the same way', async () => {
    const bomb: Buffer[] = [];
    for await (const member of gzipBomb()) bomb.push(member);
    const length = bomb.reduce((n, b) => n + b.length, 0);
    expect(length).toBeLessThan(1_100_000);
    const answer = await refusedWithoutEffect(() => rawRequest(port, head('/api/messages', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': length }), bomb));
    expect(answer.status).toBe(415);
    const deflated = await refusedWithoutEffect(() =>
      fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: JSON.stringify(callActivity()) }),
    );
    expect(deflated.status).toBe(415);
  });

  it('answers 415 to content types a route does not take: a form as an activity, text, none, and any body where no body belongs', async () => {
    const activity = callActivity();
    const form = new URLSearchParams({ type: 'message', text: activity.text, 'from[id]': 'edge-agent', 'conversation[id]': activity.conversation.id });
    const cases: Array<[string, string, Record<string, string>, string, string]> = [
      ['/api/messages', 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString(), 'this address takes application/json'],
      ['/api/messages', 'POST', { 'content-type': 'text/plain' }, JSON.stringify(activity), 'this address takes application/json'],
      ['/api/messages', 'POST', { 'content-type': 'application/json; charset=iso-8859-1' }, JSON.stringify(activity), 'the body must be UTF-8'],
      ['/api/tab/action', 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 'verb=customerCard.refresh', 'this address takes application/json'],
    ];
    for (const [path, method, headers, body, error] of cases) {
      const response = await refusedWithoutEffect(() => fetch(`${bot.url}${path}`, { method, headers, body }));
      expect(response.status, `${path} ${headers['content-type']}`).toBe(415);
      expect(await response.json()).toEqual({ error });
    }
    const untyped = await refusedWithoutEffect(() => rawRequest(port, head('/api/messages', { 'Content-Length': 2 }), [Buffer.from('{}')]));
    expect(untyped.status).toBe(415);
    expect(JSON.parse(untyped.body)).toEqual({ error: 'the body needs a Content-Type: application/json' });
    const onHealth = await refusedWithoutEffect(() => rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`));
    expect(onHealth.status).toBe(415);
    expect(JSON.parse(onHealth.body)).toEqual({ error: 'this address takes no request body' });
  });

  it('answers 413 to a body over 1 MiB, declared or chunked, before reading it all', async () => {
    const declared = await refusedWithoutEffect(() => rawRequest(port, head('/api/messages', { 'Content-Type': 'application/json', 'Content-Length': 50 * 1024 * 1024 }), []));
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ error: 'the body is larger than 1048576 bytes' });
    const padded = JSON.stringify({ ...callActivity(), padding: 'x'.repeat(2 * 1024 * 1024) });
    const streamed = await refusedWithoutEffect(() =>
      rawRequest(port, head('/api/messages', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }), chunked(slices(Buffer.from(padded), 64 * 1024))),
    );
    expect(streamed.status).toBe(413);
    expect(streamed.closed).toBe(true);
  });

  it('answers 400 to JSON nested 100,000 deep, to JSON that is not JSON, and to bytes that are not UTF-8', async () => {
    const deep = `{"type":"message","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const nested = await refusedWithoutEffect(() => fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep }));
    expect(nested.status).toBe(400);
    expect(await nested.json()).toEqual({ error: 'the JSON nests deeper than 64 levels' });
    const broken = await refusedWithoutEffect(() => fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message",' }));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'the body is not valid JSON' });
    const latin1 = await refusedWithoutEffect(() =>
      fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"text":"caf\xe9"}', 'latin1') }),
    );
    expect(latin1.status).toBe(400);
    expect(await latin1.json()).toEqual({ error: 'the body is not valid UTF-8' });
  });

  it('answers 400 naming the field to an activity whose ids are longer than any Teams sends, and stores none of them', async () => {
    const huge = 'x'.repeat(600_000);
    for (const [field, activity] of [
      ['conversation.id', { ...callActivity(), conversation: { id: huge, conversationType: 'personal' } }],
      ['from.id', { ...callActivity(), from: { id: huge, name: 'x' } }],
      ['id', { ...callActivity(), id: huge }],
    ] as const) {
      const answer = await refusedWithoutEffect(() => fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }));
      expect(answer.status).toBe(400);
      const body = (await answer.json()) as { error: string };
      expect(body.error).toContain(field);
      expect(body.error.length).toBeLessThan(300);
    }
  });

  it('answers 408 and closes when a body is shorter than its Content-Length, within the request timeout', async () => {
    const answer = await refusedWithoutEffect(() => rawRequest(port, head('/api/messages', { 'Content-Type': 'application/json', 'Content-Length': 100 }), [Buffer.from('{"type":"message"')], 5_000));
    expect(answer.status).toBe(408);
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
  });

  it('answers 408 and closes when the headers never finish, within the headers timeout', async () => {
    const answer = await refusedWithoutEffect(() => rawRequest(port, 'POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', [], 5_000));
    expect(answer.status).toBe(408);
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
  });

  it('holds at most the per-client cap of connections from one address: the rest are closed as they arrive', async () => {
    const results = await refusedWithoutEffect(async () => {
      const sockets = Array.from({ length: MAX_CONNECTIONS + 30 }, () => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        return socket;
      });
      const closedAt = sockets.map(() => 0);
      const started = Date.now();
      sockets.forEach((s, i) => s.on('close', () => (closedAt[i] = Date.now() - started)));
      await new Promise((r) => setTimeout(r, 200));
      const closedEarly = closedAt.filter((t) => t > 0).length;
      // The held ones are slow clients: the headers timeout ends them too.
      await new Promise((r) => setTimeout(r, HEADERS_TIMEOUT_MS + 1_200));
      const stillOpen = closedAt.filter((t) => t === 0).length;
      sockets.forEach((s) => s.destroy());
      return { closedEarly, stillOpen };
    });
    expect(results.closedEarly).toBeGreaterThanOrEqual(30);
    expect(results.stillOpen).toBe(0);
  });

  it("answers the Agents Playground's HEAD probe of /api/messages with 200", async () => {
    const response = await refusedWithoutEffect(() => fetch(`${bot.url}/api/messages`, { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toBe('POST, HEAD');
  });
});

describe('what the transport leaves in the log', () => {
  it("a HEAD probe leaves nothing; a client's mistakes leave short lines without a stack or their input; bursts are rate limited", async () => {
    const lines: Array<Record<string, any>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const server = createServer({
      logger: pino({ level: 'debug' }, sink),
      limits: { headersTimeoutMs: 2_000, requestTimeoutMs: 5_000, maxConnectionsPerClient: 0 },
      processActivity: async (_req, res) => void res.send(200),
      isReady: () => true,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${url}/api/messages`, { method: 'HEAD' })).status).toBe(200);
      expect(lines, 'HEAD probes are not logged').toEqual([]);

      const secret = `SECRET-${'y'.repeat(5000)}`;
      expect((await fetch(`${url}/no/such/${secret}`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`, { method: 'DELETE' })).status).toBe(405);
      expect((await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: secret })).status).toBe(415);
      for (const line of lines) {
        expect(line.level, JSON.stringify(line)).toBeLessThanOrEqual(30); // info: a client's mistake is not a warning
        expect(JSON.stringify(line)).not.toMatch(/"stack"|at [\w.]+ \(/);
        expect(JSON.stringify(line).length).toBeLessThan(600);
      }
      expect(lines.map((l) => l.status)).toEqual([404, 405, 415]);

      for (let i = 0; i < 40; i++) await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(lines.filter((l) => l.msg === 'request body refused').length, 'at most 20 refusal lines a minute').toBe(20);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('RefusalLog', () => {
  it('writes at most its lines per window, then once the window ends says how many it left out', () => {
    const lines: Array<Record<string, any>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    let now = 1_000_000;
    const log = new RefusalLog(pino({ level: 'info' }, sink), 'refused', { linesPerWindow: 3, windowMs: 60_000, clock: () => now });
    for (let i = 0; i < 10; i++) log.refused({ n: i });
    expect(lines.map((l) => l.n)).toEqual([0, 1, 2]);
    now += 60_000;
    log.refused({ n: 10 });
    expect(lines.slice(3).map((l) => [l.msg, l.suppressed ?? l.n])).toEqual([
      ['refused: more not logged', 7],
      ['refused', 10],
    ]);
    expect(lines.every((l) => l.level === 40)).toBe(true);
  });
});

async function* chunked(source: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const piece of source) yield Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  yield Buffer.from('0\r\n\r\n');
}

function* slices(buffer: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}
