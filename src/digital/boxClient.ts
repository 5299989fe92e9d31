import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { describeFailure } from '../acd/outboxWorker.js';
import { KeyedSingleFlight } from '../crm/shared/httpKit/singleFlight.js';
import { retryAfterMs as parseRetryAfter } from '../http/retryAfter.js';
import type { ReplyToSend } from '../store/repliesRepository.js';

/** What one attempt at the integration box URL came to. */
export type BoxAnswer =
  | { outcome: 'sent' | 'delivered' }
  /** Worth asking again later (408, 429, 5xx, no answer), after Retry-After when the box said. */
  | { outcome: 'retry'; error: string; retryAfterMs?: number }
  /** Asking again will not change it (another 4xx, no credentials). */
  | { outcome: 'failed'; error: string };

export interface BoxClientOptions {
  /** The value of an environment variable: where an integration's outbound secret is (outbound_secret_env). */
  secret: (name: string) => string | undefined;
  clock: () => Date;
  timeoutMs?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** The most of an answer read: a token answer or a status, never more. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** A token is renewed this long before it expires, so none expires on its way. */
const EXPIRY_MARGIN_MS = 30_000;
/** A box asking us to wait is heard up to an hour; longer would hold the reply past any use. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const tokenAnswer = z.object({ access_token: z.string().min(1).max(8192), expires_in: z.coerce.number().positive().max(86_400).optional() });

type Integration = ReplyToSend['integration'];
interface Token {
  value: string;
  expiresAt: number;
}

/** Thrown inside an attempt to end it with this answer (no credentials, a refusing token server). */
class Answered extends Error {
  constructor(readonly answer: BoxAnswer) {
    super('error' in answer ? answer.error : answer.outcome);
  }
}

/**
 * Sends an agent's reply to the integration box URL as a message in the seed's format, with its id as
 * Idempotency-Key, authorized by OAuth 2.0 client credentials (a token from the authorization URL, cached
 * until it expires, renewed once for all concurrent sends and again on a 401), else HTTP Basic with the same
 * pair; unauthenticated only to a box on this machine (the simulator).
 */
export class BoxClient {
  private readonly tokens = new Map<string, Token>();
  private readonly renewals = new KeyedSingleFlight<Token>();
  private readonly timeoutMs: number;

  constructor(private readonly options: BoxClientOptions) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async send(reply: ReplyToSend): Promise<BoxAnswer> {
    try {
      const url = boxUrlOf(reply.integration.boxUrl);
      const body = JSON.stringify(boxMessage(reply));
      const first = await this.authorization(reply.integration, url);
      let answer = await this.post(url, body, reply.id, first.header);
      if (answer.status === 401 && first.token) {
        // The box no longer takes our token (revoked, expired early): one renewal, one more try.
        answer = await this.post(url, body, reply.id, (await this.renewedAuthorization(reply.integration, first.token)).header);
      }
      return this.answerOf(answer);
    } catch (thrown) {
      if (thrown instanceof Answered) return thrown.answer;
      return { outcome: 'retry', error: describeFailure(thrown, this.timeoutMs) };
    }
  }

  private async post(url: URL, body: string, idempotencyKey: string, authorization: string | undefined): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...(authorization && { authorization }) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await cappedText(response) };
  }

  private answerOf(answer: { status: number; headers: Headers; text: string }): BoxAnswer {
    const { status } = answer;
    if (status >= 200 && status < 300) return { outcome: statusField(answer.text) === 'delivered' ? 'delivered' : 'sent' };
    const error = `${describeStatus(status)}${reasonOf(answer.text)}`;
    if (status === 408 || status === 429 || status >= 500) {
      const wait = parseRetryAfter(answer.headers.get('retry-after'), this.options.clock().getTime());
      return { outcome: 'retry', error, ...(wait !== undefined && { retryAfterMs: Math.min(wait, MAX_RETRY_AFTER_MS) }) };
    }
    if (status === 401) return { outcome: 'failed', error: `${error}: the integration box refused our credentials` };
    if (status >= 300 && status < 400) return { outcome: 'failed', error: `${error}: the integration box URL redirects; configure the address it redirects to` };
    return { outcome: 'failed', error };
  }

  /** The Authorization header for this integration, and the bearer token in it (none with Basic or none). */
  private async authorization(integration: Integration, url: URL): Promise<{ header?: string; token?: Token }> {
    const id = integration.outboundClientId?.trim();
    const secret = integration.outboundSecretEnv ? this.options.secret(integration.outboundSecretEnv) : undefined;
    if (!id || !secret) {
      if (integration.authorizationUrl || !isLoopback(url)) throw new Answered({ outcome: 'failed', error: 'the integration has no credentials (outbound client id and secret)' });
      return {};
    }
    if (!integration.authorizationUrl) return { header: basic(id, secret) };
    const cached = this.tokens.get(integration.id);
    const token = cached && cached.expiresAt > this.options.clock().getTime() ? cached : await this.renew(integration, id, secret);
    return { header: `Bearer ${token.value}`, token };
  }

  private async renewedAuthorization(integration: Integration, refused: Token): Promise<{ header: string }> {
    // Concurrent sends refused with the same token renew it once: the first drops it, the rest share the renewal.
    if (this.tokens.get(integration.id) === refused) this.tokens.delete(integration.id);
    const cached = this.tokens.get(integration.id);
    const token = cached ?? (await this.renew(integration, integration.outboundClientId!.trim(), this.options.secret(integration.outboundSecretEnv!)!));
    return { header: `Bearer ${token.value}` };
  }

  private async renew(integration: Integration, clientId: string, secret: string): Promise<Token> {
    const { value } = await this.renewals.run(integration.id, async () => {
      const token = await this.requestToken(integration.authorizationUrl!, clientId, secret);
      this.tokens.set(integration.id, token);
      return token;
    });
    return value;
  }

  /** Client credentials (RFC 6749 §4.4), the client authenticated with HTTP Basic (§2.3.1). */
  private async requestToken(authorizationUrl: string, clientId: string, secret: string): Promise<Token> {
    const url = httpUrl(authorizationUrl, 'authorization URL');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret), accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await cappedText(response);
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) throw new Answered({ outcome: 'retry', error: `token request: ${describeStatus(status)}` });
    if (status < 200 || status >= 300) throw new Answered({ outcome: 'failed', error: `the authorization server refused our client credentials (${describeStatus(status)})` });
    const parsed = tokenAnswer.safeParse(parseJson(text));
    if (!parsed.success) throw new Answered({ outcome: 'retry', error: 'token request: the answer holds no access_token' });
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    return { value: parsed.data.access_token, expiresAt: this.options.clock().getTime() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
  }
}

/** The message as the platform's own messages are shaped (seed 002), direction outbound, the agent as author. */
export function boxMessage(reply: ReplyToSend): Record<string, unknown> {
  return {
    channel: reply.channel,
    idOnExternalPlatform: reply.idOnExternalPlatform,
    thread: { idOnExternalPlatform: reply.threadIdOnExternalPlatform },
    messageContent: { type: 'TEXT', payload: { text: reply.text } },
    createdAtWithMilliseconds: reply.createdAt,
    direction: 'outbound',
    authorUser: { id: reply.agentId, name: reply.authorName },
  };
}

function boxUrlOf(raw: string): URL {
  return httpUrl(raw, 'integration box URL');
}

function httpUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Answered({ outcome: 'failed', error: `the ${what} is not a valid address` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Answered({ outcome: 'failed', error: `the ${what} is not an http(s) address` });
  return url;
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function describeStatus(status: number): string {
  return `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
}

/** A short reason from an error answer ({error} or {message}), clipped: never the body whole. */
function reasonOf(text: string): string {
  const body = parseJson(text) as { error?: unknown; message?: unknown } | undefined;
  const reason = typeof body?.error === 'string' ? body.error : typeof body?.message === 'string' ? body.message : undefined;
  const clean = reason?.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return clean ? `: ${clean.length > 80 ? `${clean.slice(0, 79)}…` : clean}` : '';
}

function statusField(text: string): unknown {
  return (parseJson(text) as { status?: unknown } | undefined)?.status;
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** An answer's body up to MAX_ANSWER_BYTES; the rest is not read (the connection is closed instead). */
async function cappedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}
