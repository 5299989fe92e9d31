import http from 'node:http';
import type { Recorder, Reply } from './recorder.js';

/** A Teams-shaped HTTP client of the bot's /api/messages, over keep-alive connections. */
export class BotClient {
  private readonly agent: http.Agent;
  private seq = 0;

  constructor(
    readonly port: number,
    readonly recorder: Recorder,
    maxSockets = 64,
  ) {
    // Idle connections are dropped after 4 s, before the server's 5 s keep-alive timeout closes them under
    // a request about to be sent on them.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 4000 });
  }

  nextId(): string {
    return `bench-${process.pid}-${++this.seq}`;
  }

  /**
   * Posts one activity; resolves with the HTTP answer and when it was sent and answered (performance.now()).
   * A request on a kept-alive connection that the server closed just then (ECONNRESET before any answer)
   * is sent again once, as Node's documentation advises; its time counts from the second send.
   */
  async post(activity: Record<string, unknown>): Promise<{ status: number; body: string; sentAt: number; answeredAt: number }> {
    return this.postTo('/api/messages', Buffer.from(JSON.stringify(activity)));
  }

  /** Posts a body to another path of the bot (the ACD's events API, TaskRouter's callback), with its own headers. */
  async postTo(path: string, payload: Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; body: string; sentAt: number; answeredAt: number }> {
    try {
      return await this.send(path, payload, headers);
    } catch (error) {
      if ((error as { reused?: boolean }).reused) return this.send(path, payload, headers);
      throw error;
    }
  }

  private send(path: string, payload: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string; sentAt: number; answeredAt: number }> {
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'content-length': payload.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentAt, answeredAt: performance.now() }));
          res.on('error', reject);
        },
      );
      req.on('error', (error) => reject(Object.assign(error, { reused: req.reusedSocket })));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface MessageTurn {
  status: number;
  /** POST sent → first reply received by the recording connector (ms). */
  latencyMs: number;
  replies: Reply[];
}

export interface InvokeTurn {
  status: number;
  /** POST sent → the invoke's answer received (ms): the card Teams shows in place. */
  latencyMs: number;
  card: Record<string, unknown> | undefined;
}

/** One agent in a personal chat with the bot, posting what Teams posts for them. */
export class TeamsAgent {
  readonly id: string;
  readonly aadObjectId: string;
  readonly conversationId: string;

  constructor(
    private readonly client: BotClient,
    readonly name: string,
  ) {
    this.id = `29:${name}`;
    this.aadObjectId = `aad-${name}`;
    this.conversationId = `a:personal-${name}`;
  }

  private base(type: string): Record<string, unknown> {
    return {
      type,
      id: this.client.nextId(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.client.recorder.url,
      from: { id: this.id, name: this.name, aadObjectId: this.aadObjectId },
      recipient: { id: '28:customer-card-bot', name: 'Customer Card' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: 'tenant-bench' },
      channelData: { tenant: { id: 'tenant-bench' } },
      locale: 'en-US',
    };
  }

  /** A chat message; its latency ends when the bot's first reply reaches the connector. */
  async say(text: string): Promise<MessageTurn> {
    const activity: Record<string, unknown> = { ...this.base('message'), text, textFormat: 'plain' };
    const id = activity.id as string;
    this.client.recorder.expect(id);
    const answer = await this.client.post(activity);
    const replies = this.client.recorder.take(id);
    const first = replies[0];
    return { status: answer.status, latencyMs: first ? first.at - answer.sentAt : NaN, replies };
  }

  /** A Universal Action (Action.Execute) click; its latency ends when the invoke is answered. */
  async invoke(verb: string, data: Record<string, unknown>): Promise<InvokeTurn> {
    const activity = { ...this.base('invoke'), name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } };
    const answer = await this.client.post(activity);
    let card: Record<string, unknown> | undefined;
    if (answer.body) {
      const parsed = JSON.parse(answer.body) as { type?: string; value?: Record<string, unknown> };
      if (parsed.type === 'application/vnd.microsoft.card.adaptive') card = parsed.value;
    }
    return { status: answer.status, latencyMs: answer.answeredAt - answer.sentAt, card };
  }
}

/** The card in a reply, if it carries one. */
export function cardOf(reply: Reply | undefined): Record<string, unknown> | undefined {
  return (reply?.activity.attachments as Array<{ content?: Record<string, unknown> }> | undefined)?.[0]?.content;
}

/** Every Action.Execute on a card (body, action sets, ShowCards), except the card's refresh. */
export function executeActions(card: unknown): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const found: Array<{ title: string; verb: string; data: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.Execute') {
      found.push({ title: String(element.title), verb: String(element.verb), data: (element.data as Record<string, unknown>) ?? {} });
    }
    for (const [key, value] of Object.entries(element)) if (key !== 'refresh') walk(value);
  };
  walk(card);
  return found;
}

/** The interaction of a Customer Card, from its refresh action. */
export function interactionIdOf(card: Record<string, unknown> | undefined): string | undefined {
  const refresh = card?.refresh as { action?: { data?: { interactionId?: unknown } } } | undefined;
  const id = refresh?.action?.data?.interactionId ?? executeActions(card).find((a) => typeof a.data.interactionId === 'string')?.data.interactionId;
  return typeof id === 'string' ? id : undefined;
}
