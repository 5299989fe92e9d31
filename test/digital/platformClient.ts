import { randomUUID } from 'node:crypto';

/*
 * The sending half of an external platform's middleware, as the seed describes it (002): it gets an access
 * token with the client id and secret it was issued, registers a channel, and posts its messages (and posts
 * them again, as platforms do when they are not sure). Used by the digital tests and the local middleware.
 */

export interface PlatformAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export interface PlatformCredentials {
  /** The integration's id: what the channels name as channelIntegrationId. */
  integrationId: string;
  clientId: string;
  clientSecret: string;
}

/** A message in the seed's format; every field can be overridden (or removed by setting it to undefined). */
export function platformMessage(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    idOnExternalPlatform: `comment-${randomUUID()}`,
    thread: { idOnExternalPlatform: 'thread-1001' },
    messageContent: { type: 'TEXT', payload: { text: 'Hello, can you help me, please?' } },
    createdAtWithMilliseconds: '2021-01-15T03:20:50.52-04:00',
    direction: 'inbound',
    authorEndUserIdentity: { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' },
    ...overrides,
  };
}

let sequence = 0;

export class PlatformClient {
  private accessToken: string | undefined;
  private lastSend: { channelId: string; text: string } | undefined;

  constructor(
    readonly baseUrl: string,
    readonly credentials: PlatformCredentials,
  ) {}

  /** A channel of this integration in the seed's format (a fresh id unless given). */
  channel(overrides: Record<string, unknown> = {}): Record<string, any> {
    return {
      id: randomUUID(),
      idOnExternalPlatform: `myOwnId${++sequence}`,
      channelIntegrationId: this.credentials.integrationId,
      realExternalPlatformId: 'forum',
      name: 'My discussion forum',
      isPrivate: true,
      hasTreeStructure: false,
      ...overrides,
    };
  }

  /**
   * POST /dfo/3.0/token. `via`: HTTP Basic (default), a form body or a JSON body; the other options send
   * something else than this client's own credentials or grant.
   */
  async requestToken(options: { via?: 'basic' | 'form' | 'json'; grantType?: string | null; clientId?: string; clientSecret?: string } = {}): Promise<PlatformAnswer> {
    const clientId = options.clientId ?? this.credentials.clientId;
    const clientSecret = options.clientSecret ?? this.credentials.clientSecret;
    const fields: Record<string, string> = {};
    if (options.grantType !== null) fields.grant_type = options.grantType ?? 'client_credentials';
    const headers: Record<string, string> = {};
    const via = options.via ?? 'basic';
    if (via === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    else Object.assign(fields, { client_id: clientId, client_secret: clientSecret });
    const json = via === 'json';
    headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
    return this.fetch('POST', '/dfo/3.0/token', { headers, text: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(), token: null });
  }

  /** A valid access token: the one obtained before, else a new one. */
  async token(): Promise<string> {
    if (this.accessToken) return this.accessToken;
    const answer = await this.requestToken();
    if (answer.status !== 200) throw new Error(`token refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.accessToken = answer.body.access_token as string;
    return this.accessToken;
  }

  /** POST /dfo/3.0/channels with this channel (see `channel()`). */
  registerChannel(channel: Record<string, unknown>, options: { token?: string | null } = {}): Promise<PlatformAnswer> {
    return this.fetch('POST', '/dfo/3.0/channels', { json: channel, token: options.token });
  }

  listChannels(): Promise<PlatformAnswer> {
    return this.fetch('GET', '/dfo/3.0/channels', {});
  }

  /** POST /dfo/3.0/channels/{channelId}/messages: one message as itself, several as {messages: [...]}; `raw` sends that text as the body. */
  send(channelId: string, messages: Record<string, unknown> | Array<Record<string, unknown>>, options: { token?: string | null; raw?: string } = {}): Promise<PlatformAnswer> {
    const text = options.raw ?? JSON.stringify(Array.isArray(messages) ? { messages } : messages);
    this.lastSend = { channelId, text };
    return this.fetch('POST', `/dfo/3.0/channels/${encodeURIComponent(channelId)}/messages`, { text, headers: { 'content-type': 'application/json' }, token: options.token });
  }

  /** Sends the last request again, byte for byte: what a platform does when it never saw the answer. */
  resend(): Promise<PlatformAnswer> {
    if (!this.lastSend) throw new Error('nothing was sent yet');
    const { channelId, text } = this.lastSend;
    return this.fetch('POST', `/dfo/3.0/channels/${encodeURIComponent(channelId)}/messages`, { text, headers: { 'content-type': 'application/json' } });
  }

  /** A request with this client's bearer token unless `token` says otherwise (null: none). */
  async fetch(method: string, path: string, options: { json?: unknown; text?: string; headers?: Record<string, string>; token?: string | null }): Promise<PlatformAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? await this.token() : options.token;
    if (token !== null && !headers.authorization) headers.authorization = `Bearer ${token}`;
    let body = options.text;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Kept as text: the test says what it expected.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}
