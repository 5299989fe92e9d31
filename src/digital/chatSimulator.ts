import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { DigitalIntegration } from '../domain/digital.js';
import { AppError, invalidInput } from '../domain/errors.js';
import { reportError } from '../errorReporting.js';
import { ChannelApiClient, type ChannelRegistration } from './channelApiClient.js';
import type { SecretSource } from './simulatorSecrets.js';

/** The built-in integration the simulator plays, and how the app authenticates to its box (HTTP Basic). */
export const SIMULATOR_INTEGRATION_ID = 'simulator';
export const SIMULATOR_OUTBOUND_CLIENT_ID = 'simulator';
export const SIMULATOR_SECRET_ENV = 'SIMULATOR_BOX_SECRET';
export const SIMULATOR_BOX_PATH = '/api/simulator/box';

/** Issues an integration's credentials (src/digital/integrations.ts, Integrations.issue: upsert by id, the secret rotated), or moves its box. */
export interface IntegrationIssuer {
  issue(input: { id: string; name: string; boxUrl: string; outboundClientId: string; outboundSecretEnv: string }): Promise<{ integration: DigitalIntegration; clientSecret: string }>;
  /** Points an existing integration's box elsewhere, its secret unchanged; false when there is none. */
  moveBox(id: string, boxUrl: string): Promise<boolean>;
}

/** Who has a thread of the simulator's channel now, as the product's store says. */
export type ThreadHolderLookup = (channelId: string, threadIdOnExternalPlatform: string) => Promise<{ agentId: string; open: boolean } | undefined>;

const CHANNEL: Omit<ChannelRegistration, 'channelIntegrationId'> = {
  id: 'simulator-web-chat',
  idOnExternalPlatform: 'web-chat',
  realExternalPlatformId: 'simulator',
  name: 'Simulator web chat',
  isPrivate: true,
  hasTreeStructure: false,
  kind: 'chat',
};

const NAME = /^[\p{L}\p{M}'’.-]{1,40}$/u;
const MAX_TEXT = 2_000;
const REMEMBERED = 1_000;

/** The email the platform knows an end user by: "Peter Solo" → peter.solo@<domain>. */
export function simulatedEmail(firstName: string, lastName: string, domain: string): string {
  const part = (name: string) =>
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const local = [part(firstName), part(lastName)].filter(Boolean).join('.');
  if (!local) throw invalidInput('The name needs letters a to z to make an email address of, for example "chat Peter Solo Hello".');
  return `${local}@${domain}`;
}

/**
 * The local chat simulator (on with the call simulator, ACD_SIMULATOR): it plays a web chat platform's
 * middleware against this very app. At the first `chat` of a start it is issued its integration `simulator` (a
 * new client secret every start, kept in memory) with its box on the app (POST /api/simulator/box), and registers
 * its channel through the channel API. `chat <first> <last> <text>` then sends the end user's message THROUGH THE HTTP
 * CHANNEL API with a token, as a real middleware does; the end user is named by an email at the demo domain,
 * so the data dip finds them by email on any CRM. Agents' replies that reach its box are told to the agent.
 */
export class ChatSimulator {
  /** This app's own address, known once it listens (start). */
  private baseUrl: string | undefined;
  private connecting: Promise<ChannelApiClient> | undefined;
  /** end user's email → the thread they write in now; thread → who writes in it and which agent typed `chat`. */
  private readonly threads = new Map<string, string>();
  private readonly writers = new Map<string, { name: string; agentId: string }>();
  /** Replies received at the box (by message id), so a delivery retried by the app is told once. */
  private readonly received = new Set<string>();
  private boxSecret: string | undefined;

  constructor(
    private readonly deps: {
      enabled: boolean;
      integrations: IntegrationIssuer;
      secrets: SecretSource;
      /** The demo domain of end users' emails (SIMULATOR_CHAT_DOMAIN). */
      domain: string;
      threadHolder: ThreadHolderLookup;
      /** Tells an agent something in their chat with the bot (outside any turn of theirs). */
      tellAgent: (agentId: string, text: string) => Promise<void>;
      logger: Logger;
      clock: () => Date;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.enabled;
  }

  /**
   * At start, only what costs nothing: a new box secret (held where the replies' delivery reads it) and, when the
   * integration is there from an earlier start, its box moved to this app's address (`baseUrl`), so that replies to
   * earlier threads still reach the box. Issuing the credentials (a scrypt hash) and registering the channel over
   * HTTP wait for the first `chat` (see connected): at every start they took about 250 ms and 60 MB of RSS (three
   * scrypts, 16 MB each, and the process's first fetch), for a tool most starts never use.
   */
  async start(baseUrl: string): Promise<void> {
    if (!this.deps.enabled) return;
    this.baseUrl = baseUrl;
    this.boxSecret = randomBytes(32).toString('base64url');
    this.deps.secrets.hold(SIMULATOR_SECRET_ENV, this.boxSecret);
    try {
      await this.deps.integrations.moveBox(SIMULATOR_INTEGRATION_ID, boxUrlOf(baseUrl));
    } catch (error) {
      reportError(error, this.deps.logger, { part: 'chat simulator', step: 'start' });
    }
  }

  /** The channel API's client, once the integration is issued (its secret rotated) and the channel registered; tried again at the next chat after a failure. */
  private connected(): Promise<ChannelApiClient> {
    const baseUrl = this.baseUrl;
    if (!baseUrl) return Promise.reject(new AppError('conflict', 'The chat simulator is starting.'));
    this.connecting ??= this.connect(baseUrl).catch((error: unknown) => {
      this.connecting = undefined;
      reportError(error, this.deps.logger, { part: 'chat simulator', step: 'start' });
      throw new AppError('conflict', 'The chat simulator could not start; the log says why.');
    });
    return this.connecting;
  }

  private async connect(baseUrl: string): Promise<ChannelApiClient> {
    const { integration, clientSecret } = await this.deps.integrations.issue({
      id: SIMULATOR_INTEGRATION_ID,
      name: 'Local chat simulator',
      boxUrl: boxUrlOf(baseUrl),
      outboundClientId: SIMULATOR_OUTBOUND_CLIENT_ID,
      outboundSecretEnv: SIMULATOR_SECRET_ENV,
    });
    const client = new ChannelApiClient(baseUrl, integration.clientId, clientSecret, this.deps.clock);
    await client.registerChannel({ ...CHANNEL, channelIntegrationId: integration.id });
    this.deps.logger.info({ channel: CHANNEL.id }, 'chat simulator ready: its channel is registered');
    return client;
  }

  /** The credentials the app must present at the box: HTTP Basic `simulator:<this start's secret>`. */
  acceptsBoxCredentials(clientId: string, secret: string): boolean {
    return !!this.boxSecret && clientId === SIMULATOR_OUTBOUND_CLIENT_ID && sameText(secret, this.boxSecret);
  }

  /**
   * `chat <first name> <last name> <text>` from an agent: the end user writes on the simulated platform, which
   * posts the message to the channel API. Says what the contact center answered and who has the thread now.
   */
  async chat(agentId: string, argument: string): Promise<string> {
    if (!this.deps.enabled) throw new AppError('forbidden', 'The chat simulator is off here: chats come from your channels. (An admin can set ACD_SIMULATOR=on.)');
    const match = /^(\S+)\s+(\S+)\s+([\s\S]+)$/u.exec(argument.trim());
    if (!match || !NAME.test(match[1]!) || !NAME.test(match[2]!)) {
      throw invalidInput('Say who writes and what, for example "chat Peter Solo Hello, can you help me, please?" (first name, last name, then the message).');
    }
    const [firstName, lastName, text] = [match[1]!, match[2]!, match[3]!.trim()];
    if (text.length > MAX_TEXT) throw invalidInput(`The message is ${text.length} characters long; the simulator sends up to ${MAX_TEXT}.`);
    const email = simulatedEmail(firstName, lastName, this.deps.domain);
    const client = await this.connected();
    const threadId = await this.openThreadOf(email);
    const name = `${firstName} ${lastName}`;
    remember(this.writers, threadId, { name, agentId });
    const { stored } = await client.sendMessages(CHANNEL.id, [
      {
        idOnExternalPlatform: `sim-${randomUUID()}`,
        thread: { idOnExternalPlatform: threadId },
        messageContent: { type: 'TEXT', payload: { text } },
        createdAtWithMilliseconds: this.deps.clock().toISOString(),
        direction: 'inbound',
        authorEndUserIdentity: { idOnExternalPlatform: email, firstName, lastName, nickname: `@${email.split('@')[0]}` },
      },
    ]);
    const holder = await this.deps.threadHolder(CHANNEL.id, threadId);
    const where = !holder?.agentId ? 'It waits for an Available agent.' : holder.agentId === agentId ? 'Its card is yours.' : 'Another agent has it.';
    return `${name} (${email}) wrote on the simulated web chat; the contact center took ${stored === 1 ? 'the message' : 'it again (already stored)'}. ${where}`;
  }

  /** A reply the app delivered to the box: told (once per message id) to the agent who has the thread. */
  async receivedAtBox(reply: { messageId: string; threadIdOnExternalPlatform: string; text: string }): Promise<'new' | 'again'> {
    if (this.received.has(reply.messageId)) return 'again';
    rememberSet(this.received, reply.messageId);
    const writer = this.writers.get(reply.threadIdOnExternalPlatform);
    const holder = await this.deps.threadHolder(CHANNEL.id, reply.threadIdOnExternalPlatform);
    const agentId = holder?.agentId || writer?.agentId;
    if (agentId) {
      const excerpt = reply.text.length > 500 ? `${reply.text.slice(0, 500)}…` : reply.text;
      // The box has the reply either way: a failure to tell the agent is the simulator's own, not a failed delivery.
      await this.deps.tellAgent(agentId, `${writer?.name ?? 'The simulated end user'}'s chat received: ${excerpt}`).catch((error: unknown) => {
        reportError(error, this.deps.logger, { part: 'chat simulator', step: 'tell the agent' });
      });
    }
    return 'new';
  }

  /** The thread the end user writes in: the one they wrote in last, unless it has been Closed since. */
  private async openThreadOf(email: string): Promise<string> {
    const known = this.threads.get(email);
    if (known && (await this.deps.threadHolder(CHANNEL.id, known))?.open !== false) return known;
    const threadId = `chat-${randomUUID()}`;
    remember(this.threads, email, threadId);
    return threadId;
  }
}

function boxUrlOf(baseUrl: string): string {
  return new URL(SIMULATOR_BOX_PATH, baseUrl).toString();
}

function sameText(a: string, b: string): boolean {
  // Compared as equal-length digests, so the time taken says nothing of the secret.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value as K);
}

function rememberSet<K>(set: Set<K>, key: K): void {
  set.add(key);
  if (set.size > REMEMBERED) set.delete(set.values().next().value as K);
}
