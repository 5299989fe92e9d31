import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The receiving half of an external platform's middleware, as a local server speaking its wire format: an
 * OAuth 2.0 token endpoint (client credentials: checks the id and secret, issues tokens that expire) and the
 * integration box URL (checks the credentials, records each message by its Idempotency-Key). It can be told
 * to fail: a fraction of the box's requests answered 503 with Retry-After or dropped, one 401 to force a
 * token renewal, every token revoked, or one fixed answer (a permanent 400, say).
 */
export interface IntegrationBoxOptions {
  clientId: string;
  clientSecret: string;
  /** How the box URL checks its caller: a bearer from the token endpoint, HTTP Basic with the pair, or nothing. */
  auth?: 'oauth' | 'basic' | 'none';
  tokenTtlSeconds?: number;
  /** How long the token endpoint takes to answer (so concurrent senders overlap). */
  tokenDelayMs?: number;
  /** How long the box takes to answer each message. */
  boxDelayMs?: number;
}

export interface BoxPost {
  idempotencyKey: string;
  authorization: string | undefined;
  body: any;
}

export interface IntegrationBox {
  boxUrl: string;
  tokenUrl: string;
  /** Every message the box accepted (answered 2xx), in order: a message sent twice shows twice. */
  accepted: BoxPost[];
  /** When each message (by Idempotency-Key) first reached the box, whatever the answer (performance.now()): the bench's reply → POST latency. */
  firstSeen: Map<string, number>;
  /** Box requests of any outcome, and token requests granted / refused. */
  counts: { boxRequests: number; tokensIssued: number; tokensRefused: number; failed: number };
  /** Fails this fraction of the box's requests from now on (deterministically spread): 503 + Retry-After, or a dropped connection. */
  failFraction(fraction: number, how: { mode: '503' | 'drop' | 'mixed'; retryAfterSeconds?: number }): void;
  /** The next box request is answered 401 whatever its token. */
  refuseOnce(): void;
  /** Every token issued so far stops working (the box answers 401 to it). */
  revokeTokens(): void;
  /** Every box request is answered with this (until set to undefined). */
  answerWith(answer: { status: number; body?: unknown; retryAfter?: string } | undefined): void;
  /** 2xx answers say {status: "delivered"}. */
  answerDelivered(yes: boolean): void;
  /** The next box request is answered only after `ms` more (a slow box, for one request). */
  slowNext(ms: number): void;
  close(): Promise<void>;
}

export async function startIntegrationBox(options: IntegrationBoxOptions): Promise<IntegrationBox> {
  const auth = options.auth ?? 'oauth';
  const tokens = new Map<string, number>(); // token → expires at (ms)
  const accepted: BoxPost[] = [];
  const firstSeen = new Map<string, number>();
  const counts = { boxRequests: 0, tokensIssued: 0, tokensRefused: 0, failed: 0 };
  let failure: { fraction: number; mode: '503' | 'drop' | 'mixed'; retryAfterSeconds: number; seen: number; failed: number } | undefined;
  let refuseNext = false;
  let slowNextMs = 0;
  let fixed: { status: number; body?: unknown; retryAfter?: string } | undefined;
  let delivered = false;
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const pause = (ms = 0) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

  async function token(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const form = new URLSearchParams(body);
    const fromBody = form.get('client_id') === options.clientId && form.get('client_secret') === options.clientSecret;
    if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    if (req.headers.authorization !== basic && !fromBody) {
      counts.tokensRefused++;
      return json(res, 401, { error: 'invalid_client' });
    }
    await pause(options.tokenDelayMs);
    const value = randomUUID();
    const ttl = options.tokenTtlSeconds ?? 3600;
    tokens.set(value, Date.now() + ttl * 1000);
    counts.tokensIssued++;
    json(res, 200, { access_token: value, token_type: 'Bearer', expires_in: ttl });
  }

  function authorized(header: string | undefined): boolean {
    if (auth === 'none') return true;
    if (auth === 'basic') return header === basic;
    const bearer = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const expiresAt = bearer ? tokens.get(bearer) : undefined;
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  /** Whether this request is one of the failing fraction: spread evenly (the n-th fails when n × fraction crosses an integer). */
  function failing(): '503' | 'drop' | undefined {
    if (!failure) return undefined;
    failure.seen++;
    const due = Math.floor(failure.seen * failure.fraction);
    if (due <= failure.failed) return undefined;
    failure.failed = due;
    if (failure.mode !== 'mixed') return failure.mode;
    return failure.failed % 2 === 0 ? 'drop' : '503';
  }

  async function box(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    counts.boxRequests++;
    const seenKey = req.headers['idempotency-key'];
    if (typeof seenKey === 'string' && !firstSeen.has(seenKey)) firstSeen.set(seenKey, performance.now());
    await pause(options.boxDelayMs);
    if (slowNextMs) {
      const ms = slowNextMs;
      slowNextMs = 0;
      await pause(ms);
    }
    const fails = failing();
    if (fails === 'drop') {
      counts.failed++;
      req.socket.destroy();
      return;
    }
    if (fails === '503') {
      counts.failed++;
      return json(res, 503, { error: 'busy' }, { 'retry-after': String(failure!.retryAfterSeconds) });
    }
    if (refuseNext || !authorized(req.headers.authorization)) {
      refuseNext = false;
      return json(res, 401, { error: 'invalid_token' });
    }
    if (fixed) return json(res, fixed.status, fixed.body ?? {}, fixed.retryAfter ? { 'retry-after': fixed.retryAfter } : {});
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return json(res, 400, { error: 'Idempotency-Key is required' });
    accepted.push({ idempotencyKey: key, authorization: req.headers.authorization, body: JSON.parse(body) });
    json(res, 200, delivered ? { status: 'delivered' } : { status: 'accepted' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const route = req.method === 'POST' && req.url === '/oauth/token' ? token : req.method === 'POST' && req.url === '/box' ? box : undefined;
      if (!route) return json(res, 404, { error: 'not found' });
      route(req, res, body).catch(() => json(res, 500, { error: 'box failed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    boxUrl: `${base}/box`,
    tokenUrl: `${base}/oauth/token`,
    accepted,
    firstSeen,
    counts,
    failFraction: (fraction, how) => {
      failure = { fraction, mode: how.mode, retryAfterSeconds: how.retryAfterSeconds ?? 0, seen: 0, failed: 0 };
    },
    refuseOnce: () => {
      refuseNext = true;
    },
    revokeTokens: () => tokens.clear(),
    answerWith: (answer) => {
      fixed = answer;
    },
    answerDelivered: (yes) => {
      delivered = yes;
    },
    slowNext: (ms) => {
      slowNextMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
