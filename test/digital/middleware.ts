import { randomBytes } from 'node:crypto';
import type { DigitalIngress } from '../../src/digital/digitalRoutes.js';
import { startIntegrationBox, type BoxPost, type IntegrationBox } from './integrationBox.js';
import { PlatformClient, platformMessage, type PlatformAnswer } from './platformClient.js';

/**
 * An external platform's middleware, whole: its sending half (platformClient.ts: a token, a channel, messages
 * through the channels API) and its receiving half (integrationBox.ts: the integration box URL, with its own
 * OAuth 2.0 token endpoint) composed, set up against a running product as an admin would set it up (an
 * integration issued with the box URL, then the channel registered by the middleware itself).
 */
export interface Middleware {
  platform: PlatformClient;
  box: IntegrationBox;
  integrationId: string;
  channelId: string;
  /** An end user writes in a thread: one inbound message through the channels API. */
  say(threadId: string, author: { idOnExternalPlatform: string; firstName?: string; lastName?: string }, text: string): Promise<PlatformAnswer>;
  /** What the box accepted for a thread (agents' replies), in order. */
  repliesIn(threadId: string): BoxPost[];
  close(): Promise<void>;
}

export async function startMiddleware(
  product: { url: string; digital: DigitalIngress },
  options: { name?: string; auth?: 'oauth' | 'basic'; kind?: 'chat' | 'sms' | 'web' } = {},
): Promise<Middleware> {
  const auth = options.auth ?? 'oauth';
  // The credentials the app presents at the box: the secret reaches the app as an environment variable, as an admin sets it.
  const outbound = { clientId: `middleware-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('base64url') };
  const secretEnv = `MIDDLEWARE_SECRET_${randomBytes(4).toString('hex').toUpperCase()}`;
  process.env[secretEnv] = outbound.clientSecret;
  const box = await startIntegrationBox({ ...outbound, auth });
  const { integration, clientSecret } = await product.digital.integrations.issue({
    name: options.name ?? 'Test middleware',
    boxUrl: box.boxUrl,
    authorizationUrl: auth === 'oauth' ? box.tokenUrl : undefined,
    outboundClientId: outbound.clientId,
    outboundSecretEnv: secretEnv,
  });
  const platform = new PlatformClient(product.url, { integrationId: integration.id, clientId: integration.clientId, clientSecret });
  const channel = platform.channel({ kind: options.kind ?? 'chat' });
  const registered = await platform.registerChannel(channel);
  if (registered.status !== 201) throw new Error(`channel refused: ${registered.status} ${JSON.stringify(registered.body)}`);
  return {
    platform,
    box,
    integrationId: integration.id,
    channelId: channel.id as string,
    say: (threadId, author, text) =>
      platform.send(
        channel.id as string,
        platformMessage({
          thread: { idOnExternalPlatform: threadId },
          messageContent: { type: 'TEXT', payload: { text } },
          createdAtWithMilliseconds: new Date().toISOString(),
          authorEndUserIdentity: author,
        }),
      ),
    repliesIn: (threadId) => box.accepted.filter((post) => post.body?.thread?.idOnExternalPlatform === threadId),
    async close() {
      delete process.env[secretEnv];
      await box.close();
    },
  };
}
