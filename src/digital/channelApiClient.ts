import { AppError } from '../domain/errors.js';

/** A channel as the platform registers it (POST /dfo/3.0/channels, seed 002), with our kind. */
export interface ChannelRegistration {
  id: string;
  idOnExternalPlatform: string;
  channelIntegrationId: string;
  realExternalPlatformId: string;
  name: string;
  isPrivate: boolean;
  hasTreeStructure: boolean;
  kind: 'chat' | 'sms' | 'web';
}

/** One message as the platform sends it (POST /dfo/3.0/channels/{id}/messages, seed 002). */
export interface PlatformMessage {
  idOnExternalPlatform: string;
  thread: { idOnExternalPlatform: string };
  messageContent: { type: 'TEXT'; payload: { text: string } };
  createdAtWithMilliseconds: string;
  direction: 'inbound';
  authorEndUserIdentity: { idOnExternalPlatform: string; firstName?: string; lastName?: string; nickname?: string };
}

const TIMEOUT_MS = 5_000;
/** A token is renewed this long before it expires, so a request never carries one that dies on the way. */
const RENEW_BEFORE_MS = 30_000;

/**
 * The sending half of an external platform, over HTTP as a real middleware calls the channel API: a token by
 * OAuth 2.0 client credentials (POST /dfo/3.0/token, HTTP Basic), then channels and messages with it as a
 * bearer. The token is kept until shortly before it expires, and renewed once if the API says 401.
 */
export class ChannelApiClient {
  private token: { value: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Registers (or updates) the channel; the API answers 201 when new, 200 when it existed. */
  async registerChannel(channel: ChannelRegistration): Promise<void> {
    await this.call('/dfo/3.0/channels', channel);
  }

  /** Sends messages of one channel; the API stores each once and says how many were new. */
  async sendMessages(channelId: string, messages: PlatformMessage[]): Promise<{ stored: number; duplicates: number }> {
    const answer = await this.call(`/dfo/3.0/channels/${encodeURIComponent(channelId)}/messages`, messages.length === 1 ? messages[0] : { messages });
    const { stored, duplicates } = answer as { stored?: unknown; duplicates?: unknown };
    return { stored: Number(stored ?? 0), duplicates: Number(duplicates ?? 0) };
  }

  private async call(path: string, body: unknown, renewed = false): Promise<unknown> {
    const token = await this.accessToken();
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.status === 401 && !renewed) {
      this.token = undefined;
      return this.call(path, body, true);
    }
    return answerOf(response, path);
  }

  private accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - RENEW_BEFORE_MS > this.clock().getTime()) return Promise.resolve(this.token.value);
    // One token request for every call waiting on it.
    this.pendingToken ??= this.requestToken().finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private async requestToken(): Promise<string> {
    const basic = Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64');
    const response = await fetch(new URL('/dfo/3.0/token', this.baseUrl), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const answer = (await answerOf(response, '/dfo/3.0/token')) as { access_token?: unknown; expires_in?: unknown };
    if (typeof answer.access_token !== 'string') throw new AppError('crm_failure', 'The channel API gave no access token.');
    const lifetime = Number(answer.expires_in ?? 60) * 1000;
    this.token = { value: answer.access_token, expiresAt: this.clock().getTime() + lifetime };
    return this.token.value;
  }
}

async function answerOf(response: Response, path: string): Promise<unknown> {
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: only the status is told.
  }
  if (response.ok) return body ?? {};
  const said = body && typeof body === 'object' ? ((body as { error_description?: unknown; error?: unknown }).error_description ?? (body as { error?: unknown }).error) : undefined;
  const why = typeof said === 'string' ? `: ${said.slice(0, 200)}` : '';
  throw new ChannelApiRefusal(response.status, `The channel API refused ${path} (HTTP ${response.status}${why}).`);
}

/** The channel API answered with an error status: the message names the route and the status, and the API's short reason. */
export class ChannelApiRefusal extends AppError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(status >= 500 ? 'crm_failure' : 'conflict', message);
    this.name = 'ChannelApiRefusal';
  }
}
