import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

/** Distinct (app, service URL, audience) clients kept: Teams has a handful of regional service URLs. */
const CLIENTS_KEPT = 64;

/**
 * The library's authentication, except that the Bot Connector and token clients it makes are made once and
 * reused. The library builds a new ConnectorClient (and a token client) for every turn and every proactive
 * message, and with it a whole HTTP pipeline: about a third of the CPU of a card update (bench: ACW burst,
 * ACD events). A client keeps its credentials, which renew their own token, and holds no state of a turn.
 */
export class ReusedConnectorsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return this.withReusedConnectors(result);
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return this.withReusedConnectors(result);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remembered(this.tokenClients, appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private withReusedConnectors(result: AuthenticateRequestResult): AuthenticateRequestResult {
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  /** A factory whose clients are those made before for the same app, service URL and audience. */
  private reusing(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusingConnectorFactory(factory, this.connectors, appIdOf(claimsIdentity));
  }
}

class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly factory: ConnectorFactory,
    private readonly connectors: Map<string, Promise<ConnectorClient>>,
    private readonly app: string,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return remembered(this.connectors, `${this.app}\n${serviceUrl}\n${audience ?? ''}`, () => this.factory.create(serviceUrl, audience));
  }
}

/** The app a claims identity speaks for, as the library reads it to choose credentials. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** The value made for `key` before, or made now; one that failed is forgotten, so the next call makes it again. */
function remembered<T>(kept: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = kept.get(key);
  if (known) return known;
  const made = make();
  if (kept.size < CLIENTS_KEPT) {
    kept.set(key, made);
    made.catch(() => kept.delete(key));
  }
  return made;
}
