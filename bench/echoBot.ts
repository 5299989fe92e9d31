import type { AddressInfo } from 'node:net';
import { ActivityTypes, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, MessageFactory } from 'botbuilder';
import restify from 'restify';

/** The one small Adaptive Card the echo bot answers with (schema 1.5, like the product's cards). */
export function echoCard(text: string): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text: `Echo: ${text.slice(0, 200)}`, wrap: true }],
  };
}

/**
 * The floor: a bare botbuilder bot (CloudAdapter + restify, anonymous auth as the product has without
 * BOT_ID) that answers every message with one small Adaptive Card, and every Universal Action invoke with
 * one as its invoke response. Whatever the product costs above this is ours (or teams-ai's).
 */
export async function startEchoBot(port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const credentials = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, credentials));
  const server = restify.createServer({ name: 'echo' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      const { activity } = context;
      if (activity.type === ActivityTypes.Message) {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(echoCard(activity.text ?? ''))));
      } else if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
        const verb = String((activity.value as { action?: { verb?: unknown } })?.action?.verb ?? '');
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: echoCard(verb) } },
        });
      }
    });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
