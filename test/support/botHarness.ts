import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startProduct, type ProductOptions, type RunningProduct } from '../../src/product.js';
import { expect } from 'vitest';
import { productEnv, type TestStore } from './stores.js';
import { waitFor } from './waitFor.js';

/** One thing the bot sent to the Bot Connector: a new message, or an update of an earlier one. */
export interface Recorded {
  kind: 'send' | 'update';
  conversationId: string;
  /** For a send: the activity it answers. For an update: the activity replaced. */
  targetId: string | undefined;
  id: string;
  activity: Record<string, any>;
}

/** Message updates refused by the Bot Connector, from refuseUpdates() until allow(). */
export interface Refusal {
  refused(): number;
  allow(): void;
}

/**
 * A local stand-in for the Bot Connector service (the `serviceUrl` Teams gives a bot): it records every
 * reply and update the bot makes, the way Teams would receive them, and answers like the real service.
 */
export async function startRecorder(): Promise<{ url: string; recorded: Recorded[]; hold(): () => void; refuseUpdates(): Refusal; close(): Promise<void> }> {
  const recorded: Recorded[] = [];
  // While held, what arrives is recorded at once and answered only on release (Teams slow to answer).
  let held: Array<() => void> | undefined;
  // While refusing, an update is answered 403 and not recorded (Teams did not apply it), only counted.
  let refusing: { refused: number } | undefined;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      // Two statements: restify patches ServerResponse.prototype.writeHead, and its version returns nothing.
      if (!match) {
        res.writeHead(404);
        res.end();
        return;
      }
      if (refusing && req.method === 'PUT') {
        refusing.refused++;
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'refused by the test' } }));
        return;
      }
      const activity = body ? (JSON.parse(body) as Record<string, any>) : {};
      const id = req.method === 'PUT' ? decodeURIComponent(match[2]!) : `reply-${recorded.length + 1}`;
      recorded.push({
        kind: req.method === 'PUT' ? 'update' : 'send',
        conversationId: decodeURIComponent(match[1]!),
        targetId: match[2] ? decodeURIComponent(match[2]) : undefined,
        id,
        activity,
      });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const hold = () => {
    held ??= [];
    return () => {
      const answers = held ?? [];
      held = undefined;
      for (const answer of answers) answer();
    };
  };
  const refuseUpdates = (): Refusal => {
    const counted = (refusing = { refused: 0 });
    return {
      refused: () => counted.refused,
      allow: () => {
        refusing = undefined;
      },
    };
  };
  return { url: `http://127.0.0.1:${port}/`, recorded, hold, refuseUpdates, close: () => new Promise((r) => server.close(() => r())) };
}

export interface InvokeAnswer {
  status: number;
  body: { statusCode: number; type: string; value: any } | undefined;
}

/** A person in a personal chat with the bot, as Teams would post their activities. */
export class TeamsUser {
  private readonly conversationId: string;

  constructor(
    private readonly bot: BotHarness,
    readonly id: string,
    readonly name: string,
    readonly aadObjectId: string,
  ) {
    this.conversationId = `a:personal-${id}`;
  }

  private base(type: string): Record<string, any> {
    return {
      type,
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.bot.serviceUrl,
      from: { id: this.id, name: this.name, aadObjectId: this.aadObjectId },
      recipient: { id: '28:customer-card-bot', name: 'Customer Card' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } },
      locale: 'en-US',
    };
  }

  /** Installs the app (conversationUpdate, membersAdded) and returns what the bot sent. */
  async install(): Promise<Recorded[]> {
    const activity = { ...this.base('conversationUpdate'), membersAdded: [{ id: this.id, name: this.name, aadObjectId: this.aadObjectId }] };
    return this.bot.post(activity);
  }

  /** Sends a chat message and returns every message the bot sent in answer. */
  async say(text: string): Promise<Recorded[]> {
    return this.bot.post({ ...this.base('message'), text, textFormat: 'plain' });
  }

  /** The text of the single text reply to a message ("typing", which teams-ai sends once a turn passes a second, is no reply). */
  async sayText(text: string): Promise<string> {
    const replies = (await this.say(text)).filter((r) => r.activity.type !== 'typing');
    if (replies.length !== 1 || typeof replies[0]!.activity.text !== 'string') {
      throw new Error(`expected one text reply to "${text}", got ${JSON.stringify(replies.map((r) => r.activity))}`);
    }
    return replies[0]!.activity.text as string;
  }

  /** The single Adaptive Card the bot sent in answer to a message. */
  async sayCard(text: string): Promise<any> {
    const replies = await this.say(text);
    const cards = replies.flatMap((r) => (r.activity.attachments ?? []).map((a: any) => a.content));
    if (cards.length !== 1) throw new Error(`expected one card in answer to "${text}", got ${JSON.stringify(replies.map((r) => r.activity))}`);
    return cards[0];
  }

  /**
   * What Teams does when it shows a card with a `refresh` naming this user: invokes the refresh action and
   * shows the card it answers (the owner's own view of a Customer Card).
   */
  async refreshed(card: any): Promise<any> {
    expect(card.refresh?.userIds, 'the card names who gets their own view').toContain(this.id);
    return this.clickCard(card.refresh.action);
  }

  /** Says something that posts a Customer Card; returns the message id and the card as this user sees it. */
  async sayForCard(text: string): Promise<{ messageId: string; card: any }> {
    const replies = await this.say(text);
    const posted = replies.find((r) => r.activity.attachments?.length);
    if (!posted) throw new Error(`expected a card in answer to "${text}", got ${JSON.stringify(replies.map((r) => r.activity))}`);
    return { messageId: posted.id, card: await this.refreshed(posted.activity.attachments[0].content) };
  }

  /** The current card of an interaction as its owner sees it (what Teams' refresh shows them). */
  async currentCard(interactionId: string): Promise<any> {
    return this.clickCard({ verb: 'customerCard.refresh', data: { interactionId } });
  }

  /** Ends the call of this card and returns the card as its owner now sees it (the ACW form). */
  async endCall(card: any): Promise<any> {
    await this.hangup();
    return this.currentCard(card.refresh.action.data.interactionId);
  }

  /** Ends the call ("hangup"): the card changes in place; returns the bot's text reply. */
  async hangup(): Promise<string> {
    return this.sayText('hangup');
  }

  /** Clicks an Action.Execute (verb + data, plus any inputs the card collected) and returns the invoke answer. */
  async click(action: { verb: string; data: Record<string, unknown> }, inputs: Record<string, unknown> = {}): Promise<InvokeAnswer> {
    const activity = {
      ...this.base('invoke'),
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
    };
    const response = await fetch(`${this.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Clicks and returns the card Teams would show in place. */
  async clickCard(action: { verb: string; data: Record<string, unknown> }, inputs: Record<string, unknown> = {}): Promise<any> {
    const answer = await this.click(action, inputs);
    if (answer.status !== 200 || answer.body?.type !== 'application/vnd.microsoft.card.adaptive') {
      throw new Error(`expected a card, got ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer.body.value;
  }
}

export interface BotHarness {
  url: string;
  serviceUrl: string;
  product: RunningProduct;
  recorded: Recorded[];
  user(id: string, name?: string, aadObjectId?: string): TeamsUser;
  /** Posts a raw activity as Teams would; returns what the bot sent in answer. */
  post(activity: Record<string, any>): Promise<Recorded[]>;
  /** Waits for an in-place update of a message whose card matches; returns that card. */
  updateOf(messageId: string, matches: (card: any) => boolean): Promise<any>;
  /** Waits until the cards the bot posts outside a turn (ACD contacts, routed conversations) have been answered by the Bot Connector. */
  cardsPosted(): Promise<void>;
  /** From now on the Bot Connector records what the bot sends but answers only once the returned release is called. */
  holdConnector(): () => void;
  /** From now on the Bot Connector refuses (403) every message update, until the returned refusal's allow(). */
  refuseUpdates(): Refusal;
  stop(): Promise<void>;
}

/**
 * Starts the real product (CloudAdapter over HTTP, on a free port) on a test store, with a recorder as
 * serviceUrl. `logger`: the product's logger (a capture of its lines, say); silent otherwise. `options`: the
 * parts a test plugs in where the product is built (a digital intake, say).
 */
export async function startBot(store: TestStore, env: Record<string, string> = {}, logger?: Logger, options: Omit<ProductOptions, 'pgSchema'> = {}): Promise<BotHarness> {
  const recorder = await startRecorder();
  const config = loadConfig({
    PORT: '0',
    ...productEnv(store),
    LOG_LEVEL: 'silent',
    SUPERVISOR_IDS: 'aad-supervisor',
    // As in Teams: the message holds the shared view, and the owner gets theirs through its refresh.
    CARD_MESSAGE_VIEW: 'shared',
    ...env,
  });
  const product = await startProduct(config, logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { ...options, pgSchema: store.productOptions.pgSchema });
  const harness: BotHarness = {
    url: product.url,
    serviceUrl: recorder.url,
    product,
    recorded: recorder.recorded,
    user: (id, name = `User ${id}`, aadObjectId = `aad-${id}`) => new TeamsUser(harness, id, name, aadObjectId),
    async post(activity) {
      const before = recorder.recorded.length;
      const response = await fetch(`${product.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      if (response.status >= 300) throw new Error(`bot answered ${response.status}: ${await response.text()}`);
      return recorder.recorded.slice(before).filter((r) => r.kind === 'send' && r.targetId === activity.id);
    },
    async updateOf(messageId, matches) {
      let found: any;
      await waitFor(`an update of message ${messageId}`, () => {
        found = recorder.recorded
          .filter((r) => r.kind === 'update' && r.targetId === messageId)
          .map((r) => r.activity.attachments?.[0]?.content)
          .findLast((card) => card && matches(card));
        return !!found;
      });
      return found;
    },
    cardsPosted: () => product.cardsPosted(),
    holdConnector: () => recorder.hold(),
    refuseUpdates: () => recorder.refuseUpdates(),
    async stop() {
      await product.stop();
      await recorder.close();
    },
  };
  return harness;
}

/** Every Action.Execute button on a card (in its body, action sets and ShowCards), with its title. */
export function actionsOf(card: any): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const found: Array<{ title: string; verb: string; data: Record<string, unknown> }> = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Action.Execute') found.push({ title: node.title, verb: node.verb, data: node.data ?? {} });
    // The card's refresh is not a button: Teams invokes it by itself.
    for (const [key, value] of Object.entries(node)) if (key !== 'refresh') walk(value);
  };
  walk(card);
  return found;
}

/**
 * The one Action.Execute with this title whose data matches `where` (e.g. a record id). A record's button
 * is named with the record ("Details: Maria Garcia", src/cards/elements.ts recordAction): `Details` finds it.
 */
export function actionOf(card: any, title: string, where: Record<string, unknown> = {}): { verb: string; data: Record<string, unknown> } {
  const titled = (a: { title: string }) => a.title === title || a.title.startsWith(`${title}: `);
  const matches = actionsOf(card).filter((a) => titled(a) && Object.entries(where).every(([k, v]) => a.data[k] === v));
  if (matches.length !== 1) throw new Error(`expected one "${title}" action matching ${JSON.stringify(where)}, found ${matches.length}`);
  return matches[0]!;
}

/** All text on a card, joined, for assertions that read like what a person sees. */
export function cardText(card: any): string {
  const parts: string[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'TextBlock' && typeof node.text === 'string') parts.push(node.text);
    if (node.type === 'FactSet') for (const f of node.facts ?? []) parts.push(`${f.title}: ${f.value}`);
    for (const [key, value] of Object.entries(node)) if (key !== 'facts') walk(value);
  };
  walk(card);
  return parts.join('\n');
}
