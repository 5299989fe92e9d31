import { CallerIdConstants, ConfigurationServiceClientCredentialFactory, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type TurnContext } from 'botbuilder';
// The module, not the package's index (see application.ts).
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Request, Response } from 'restify';
import { BotTokenRefused, createBotTokenGate } from '../auth/botTokenGate.js';
import type { AppConfig } from '../config.js';
import { BotAuthRefused } from '../http/botAuthRefusals.js';
import { ReusedConnectorsAuthentication } from './reusedConnectors.js';

/**
 * The Bot Framework's public cloud, as the library uses it when given no setting. Given any one setting the
 * library uses only what it is given, so setting where the channel's keys are read (BOT_OPENID_METADATA_URL)
 * means giving all of them.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: CallerIdConstants.PublicAzureChannel,
  ValidateAuthority: true,
} satisfies ConfigurationBotFrameworkAuthenticationOptions;

type Logic = (context: TurnContext) => Promise<void>;

/**
 * The Bot Framework CloudAdapter (teams-ai's TeamsAdapter). With no BOT_ID, authentication is disabled and
 * anonymous activities are accepted (local tools, the Agents Playground); with BOT_ID, every activity must
 * carry a valid Bot Framework token: `handle` throws BotAuthRefused for any other, before the turn runs.
 */
export class BotAdapter extends TeamsAdapter {
  private readonly checkToken: ReturnType<typeof createBotTokenGate> | undefined;

  constructor(bot: AppConfig['bot']) {
    const credentials = new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: bot.appId ?? '',
      MicrosoftAppPassword: bot.password ?? '',
      MicrosoftAppType: bot.type,
      MicrosoftAppTenantId: bot.tenantId ?? '',
    });
    super({ ...PUBLIC_CLOUD, ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl }, credentials);
    // TeamsAdapter builds its authentication itself and takes none: it is wrapped once built (see reusedConnectors.ts).
    const built = this as unknown as { botFrameworkAuthentication: ConstructorParameters<typeof ReusedConnectorsAuthentication>[0] };
    built.botFrameworkAuthentication = new ReusedConnectorsAuthentication(built.botFrameworkAuthentication);
    this.checkToken = bot.appId ? createBotTokenGate({ appId: bot.appId, openIdMetadataUrl: bot.openIdMetadataUrl }) : undefined;
  }

  /**
   * Authenticates one activity posted to /api/messages (its shape already checked) and runs its turn,
   * answering with the turn's invoke response. Unlike the library's `process`, a refused token is a
   * BotAuthRefused (the caller answers 401), and an error in the turn is thrown, not sent as text.
   */
  async handle(req: Request, res: Response, logic: Logic): Promise<void> {
    const activity = withDates(req.body as Activity);
    const authorization = req.headers.authorization;
    const authenticated = await this.authenticate(activity, authorization);
    const answer = await this.processActivity(authenticated, activity, logic);
    res.status(answer?.status ?? 200);
    if (answer?.body !== undefined) res.send(answer.body);
    res.end();
  }

  private async authenticate(activity: Activity, authorization: string | undefined) {
    try {
      await this.checkToken?.(authorization, activity.channelId);
      return await this.botFrameworkAuthentication.authenticateRequest(activity, authorization ?? '');
    } catch (error) {
      if (error instanceof BotTokenRefused) throw new BotAuthRefused(error.reason);
      // The library's own checks (the serviceUrl claim, say) or its own key fetch failed.
      throw new BotAuthRefused('the Bot Framework library refused the token', error instanceof Error ? error.message : String(error));
    }
  }
}

/** What the library does to an activity before a turn: its timestamps become dates (the raw text is kept). */
function withDates(activity: Activity): Activity {
  const fields = activity as unknown as Record<string, unknown>;
  for (const [name, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof fields[name] === 'string') {
      fields[raw] = fields[name];
      fields[name] = new Date(fields[name]);
    }
  }
  return activity;
}

export function createAdapter(bot: AppConfig['bot']): BotAdapter {
  return new BotAdapter(bot);
}
