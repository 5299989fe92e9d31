import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardFactory, type TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { createAdapter } from '../../src/teams/adapter.js';
import { continueConversation } from '../../src/teams/continueConversation.js';
import { ReusedConnectorsAuthentication } from '../../src/teams/reusedConnectors.js';

const identity = (app: string) => new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: app }], true);

/** The library's authentication as far as these tests need it: it counts the clients it makes, and can fail once. */
class CountingAuthentication extends BotFrameworkAuthentication {
  made: string[] = [];
  tokenClientsMade: string[] = [];
  failNext = false;

  private factoryFor(app: string): ConnectorFactory {
    return new CountingFactory(this, app);
  }

  async authenticateRequest(): Promise<AuthenticateRequestResult> {
    const claimsIdentity = identity('bot-app');
    return { audience: 'aud', callerId: 'caller', claimsIdentity, connectorFactory: this.factoryFor('bot-app') };
  }

  async authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    return this.authenticateRequest();
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.factoryFor(claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? '');
  }

  async createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    this.tokenClientsMade.push(claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? '');
    return { made: this.tokenClientsMade.length } as unknown as UserTokenClient;
  }
}

/** A factory of the counting authentication: each client it makes is a new one, counted there. */
class CountingFactory extends ConnectorFactory {
  constructor(
    private readonly counting: CountingAuthentication,
    private readonly app: string,
  ) {
    super();
  }

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    if (this.counting.failNext) {
      this.counting.failNext = false;
      throw new Error('token endpoint down');
    }
    this.counting.made.push(`${this.app} ${serviceUrl} ${audience ?? '-'}`);
    return { made: this.counting.made.length } as unknown as ConnectorClient;
  }
}

describe('ReusedConnectorsAuthentication: one Bot Connector client per app, service URL and audience', () => {
  it('makes a client once per app, service URL and audience, and hands it out again', async () => {
    const inner = new CountingAuthentication();
    const auth = new ReusedConnectorsAuthentication(inner);
    const first = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/', 'api://botframework');
    const again = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/', 'api://botframework');
    expect(again).toBe(first);
    const otherRegion = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/amer/', 'api://botframework');
    const otherAudience = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/', 'api://other');
    const otherApp = await auth.createConnectorFactory(identity('other-app')).create('https://smba.example/emea/', 'api://botframework');
    expect(new Set([first, otherRegion, otherAudience, otherApp]).size).toBe(4);
    expect(inner.made).toEqual([
      'bot-app https://smba.example/emea/ api://botframework',
      'bot-app https://smba.example/amer/ api://botframework',
      'bot-app https://smba.example/emea/ api://other',
      'other-app https://smba.example/emea/ api://botframework',
    ]);
  });

  it("reuses the clients of an authenticated turn's factory too, and keeps the rest of its result", async () => {
    const inner = new CountingAuthentication();
    const auth = new ReusedConnectorsAuthentication(inner);
    const turn = await auth.authenticateRequest({} as never, 'Bearer x');
    expect(turn).toMatchObject({ audience: 'aud', callerId: 'caller' });
    const fromTurn = await turn.connectorFactory!.create('https://smba.example/emea/');
    const proactive = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/');
    expect(proactive).toBe(fromTurn);
    expect(inner.made).toHaveLength(1);
  });

  it('forgets a client whose making failed: the next call makes it again', async () => {
    const inner = new CountingAuthentication();
    const auth = new ReusedConnectorsAuthentication(inner);
    inner.failNext = true;
    await expect(auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/')).rejects.toThrow('token endpoint down');
    const made = await auth.createConnectorFactory(identity('bot-app')).create('https://smba.example/emea/');
    expect(made).toBeDefined();
    expect(inner.made).toHaveLength(1);
  });

  it('makes one user token client per app', async () => {
    const inner = new CountingAuthentication();
    const auth = new ReusedConnectorsAuthentication(inner);
    const first = await auth.createUserTokenClient(identity('bot-app'));
    expect(await auth.createUserTokenClient(identity('bot-app'))).toBe(first);
    expect(await auth.createUserTokenClient(identity('other-app'))).not.toBe(first);
    expect(inner.tokenClientsMade).toEqual(['bot-app', 'other-app']);
  });
});

describe("the product's adapter: proactive card updates through one Bot Connector client per service URL", () => {
  let server: Server;
  let baseUrl: string;
  const received: Array<{ method: string; url: string; body: any }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, body: JSON.parse(text) });
        res.setHeader('content-type', 'application/json');
        res.end('{"id":"updated"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends each update in full, and the second through the client the first used', async () => {
    const adapter = createAdapter({ appId: undefined, password: undefined, type: 'MultiTenant', tenantId: undefined, openIdMetadataUrl: undefined } as never);
    const clients: unknown[] = [];
    const update = (serviceUrl: string, text: string) =>
      continueConversation(adapter, '', { serviceUrl, channelId: 'msteams', conversation: { id: 'a:chat-1' } as never, bot: { id: 'bot', name: 'Bot' } }, async (context: TurnContext) => {
        clients.push(context.turnState.get(context.adapter.ConnectorClientKey));
        await context.updateActivity({ id: 'message-1', type: 'message', attachments: [CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] })] });
      });

    await update(`${baseUrl}/emea/`, 'first');
    await update(`${baseUrl}/emea/`, 'second');
    await update(`${baseUrl}/amer/`, 'third');

    expect(received.map((r) => `${r.method} ${r.url} ${r.body.attachments[0].content.body[0].text}`)).toEqual([
      'PUT /emea/v3/conversations/a%3Achat-1/activities/message-1 first',
      'PUT /emea/v3/conversations/a%3Achat-1/activities/message-1 second',
      'PUT /amer/v3/conversations/a%3Achat-1/activities/message-1 third',
    ]);
    expect(clients[1]).toBe(clients[0]);
    expect(clients[2]).not.toBe(clients[0]);
  });
});
