import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the bot sent to the connector, with when it arrived (performance.now() of this process). */
export interface Reply {
  at: number;
  kind: 'send' | 'update';
  conversationId: string;
  /** For a send: the activity it answers; for an update: the activity it replaces. */
  targetId: string | undefined;
  bytes: number;
  activity: Record<string, unknown>;
}

/**
 * The recording connector: a local stand-in for the Bot Connector service at the bot's `serviceUrl`. It
 * timestamps every reply and update as it arrives and answers like the real service, so the latency of a
 * turn can be taken from the POST that started it to the reply's arrival here.
 */
export class Recorder {
  private server: Server | undefined;
  private readonly waiting = new Map<string, Reply[]>();
  url = '';
  sends = 0;
  updates = 0;
  /** The largest card the bot sent (bytes of the attachment content as sent), and its activity's size. */
  largestCard = { cardBytes: 0, activityBytes: 0 };
  private onUpdate: ((reply: Reply) => void) | undefined;
  private onSend: ((reply: Reply) => void) | undefined;

  /** `answerDelayMs`: how long each send or update is answered after it arrived (Teams' Bot Connector takes tens to hundreds of ms). */
  constructor(private readonly answerDelayMs = 0) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const at = performance.now();
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (!match) {
          res.writeHead(404);
          res.end();
          return;
        }
        const body = Buffer.concat(chunks);
        const activity = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        const kind = req.method === 'PUT' ? 'update' : 'send';
        const targetId = match[2] ? decodeURIComponent(match[2]) : (activity.replyToId as string | undefined);
        const reply: Reply = { at, kind, conversationId: decodeURIComponent(match[1]!), targetId, bytes: body.length, activity };
        const content = (activity.attachments as Array<{ content?: unknown }> | undefined)?.[0]?.content;
        if (content) {
          const cardBytes = Buffer.byteLength(JSON.stringify(content));
          if (cardBytes > this.largestCard.cardBytes) this.largestCard = { cardBytes, activityBytes: body.length };
        }
        if (kind === 'send') {
          this.sends++;
          if (targetId) this.waiting.get(targetId)?.push(reply);
          this.onSend?.(reply);
        } else {
          this.updates++;
          this.onUpdate?.(reply);
        }
        const id = kind === 'update' ? targetId : `reply-${this.sends}`;
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
        };
        if (this.answerDelayMs > 0) setTimeout(answer, this.answerDelayMs);
        else answer();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Starts collecting the replies to activity `id` (call before posting it). */
  expect(id: string): void {
    this.waiting.set(id, []);
  }

  /** The replies to activity `id` received so far; stops collecting them. */
  take(id: string): Reply[] {
    const replies = this.waiting.get(id) ?? [];
    this.waiting.delete(id);
    return replies;
  }

  watchUpdates(listener: ((reply: Reply) => void) | undefined): void {
    this.onUpdate = listener;
  }

  /** Every send as it arrives, replies or not: the cards the bot posts by itself (the ACD's, proactively). */
  watchSends(listener: ((reply: Reply) => void) | undefined): void {
    this.onSend = listener;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
