import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
// The module, not the package's index (see application.ts).
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { AppConfig } from '../config.js';

/**
 * The Bot Framework CloudAdapter (teams-ai's TeamsAdapter). With no BOT_ID, authentication is disabled and
 * anonymous activities are accepted (local tools, the Agents Playground); with BOT_ID, every activity must
 * carry a valid Bot Framework token, and the adapter answers 401 otherwise.
 */
export function createAdapter(bot: AppConfig['bot']): TeamsAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: bot.appId ?? '',
    MicrosoftAppPassword: bot.password ?? '',
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId ?? '',
  });
  return new TeamsAdapter({}, credentials);
}
