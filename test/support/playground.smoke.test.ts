import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import restify from 'restify';
import { ActivityTypes, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import { startPlayground, type Playground, type RecordedActivity } from './playground.js';

/**
 * Proves the playground driver end to end against a minimal bot (not the product): a message gets an echo
 * card with an Action.Execute button; the action is answered with an updated card (invoke response) and
 * the original message is updated in place (updateActivity).
 */

const card = (text: string, count: number) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text }],
  actions: [{ type: 'Action.Execute', title: 'Bump', verb: 'bump', data: { count } }],
});

async function startEchoBot(): Promise<{ endpoint: string; received: Partial<Activity>[]; close(): Promise<void> }> {
  const received: Partial<Activity>[] = [];
  // No app id: the adapter accepts unauthenticated activities, as the playground sends them.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (_context, error) => {
    console.error('echo bot turn failed', error);
  };
  const logic = async (context: TurnContext) => {
    const activity = context.activity;
    received.push(activity);
    if (activity.type === ActivityTypes.Message) {
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card(`echo: ${activity.text}`, 0))] });
    } else if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      const count = Number((activity.value as { action: { data: { count: number } } }).action.data.count) + 1;
      const updated = card(`bumped: ${count}`, count);
      await context.updateActivity({ id: activity.replyToId, type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(updated)] });
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: updated } },
      });
    }
  };
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, logic);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cardText = (a: RecordedActivity): string | undefined => a.attachments[0]?.content?.body?.[0]?.text;

describe('Agents Playground driver', () => {
  let bot: Awaited<ReturnType<typeof startEchoBot>>;
  let playground: Playground | undefined;

  beforeAll(async () => {
    bot = await startEchoBot();
  });
  afterAll(async () => {
    await playground?.stop();
    await bot?.close();
  });

  it('sends a message, receives the card, invokes its action and sees the update', async () => {
    playground = await startPlayground({ botEndpoint: bot.endpoint });
    const { config, internalConfig } = await playground.config();
    expect(internalConfig.channelId).toBe('msteams');

    await playground.send('hello');
    const echo = await playground.waitFor((a) => a.kind === 'new' && cardText(a) === 'echo: hello');
    expect(echo.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');

    // What the bot received: Teams-shaped, from the playground's current user, replies to its connector.
    const message = bot.received.find((a) => a.type === 'message')!;
    expect(message).toMatchObject({
      channelId: 'msteams',
      text: 'hello',
      from: { id: config.currentUser.id, aadObjectId: config.currentUser.aadObjectId },
      recipient: { id: config.bot.id },
      conversation: { id: config.personalChat.id },
      serviceUrl: `${playground.url.replace('127.0.0.1', 'localhost')}/_connector`,
    });

    const result = await playground.invoke({ action: { type: 'Action.Execute', verb: 'bump', data: { count: 0 } } });
    expect(result.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(result.value.body[0].text).toBe('bumped: 1');
    const invoke = bot.received.find((a) => a.type === 'invoke')!;
    expect(invoke).toMatchObject({ name: 'adaptiveCard/action', replyToId: echo.id, from: { id: config.currentUser.id } });

    const update = await playground.waitFor((a) => a.kind === 'update' && a.id === echo.id);
    expect(cardText(update)).toBe('bumped: 1');
    await playground.stop();
    playground = undefined;
  });

  it('can play another user (e.g. a supervisor) and install the bot (conversationUpdate)', async () => {
    const before = bot.received.length;
    playground = await startPlayground({ botEndpoint: bot.endpoint, user: { id: 'sup-1', name: 'Sam Super', aadObjectId: 'aad-supervisor-1' } });
    await playground.install();
    await playground.send('who am I');
    await playground.waitFor((a) => cardText(a) === 'echo: who am I');
    const seen = bot.received.slice(before);
    expect(seen.find((a) => a.type === 'conversationUpdate')?.membersAdded).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'sup-1', aadObjectId: 'aad-supervisor-1' })]));
    expect(seen.find((a) => a.type === 'message')?.from).toMatchObject({ id: 'sup-1', aadObjectId: 'aad-supervisor-1', name: 'Sam Super' });
    await playground.stop();
    playground = undefined;
  });
});
