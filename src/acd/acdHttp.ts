import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import type { AppConfig } from '../config.js';
import type { Database } from '../store/schema.js';
import type { AcdDispatcher } from './dispatcher.js';
import { registerAcdRoutes } from './eventsRoute.js';
import { parseActivityStates, TaskRouterTranslator } from './taskRouter.js';
import { registerTaskRouterRoute } from './taskRouterRoute.js';
import { registerWebhookDeliveriesRoute } from './webhookDeliveriesRoute.js';

/** Every ACD's way in, onto the one dispatcher: the signed events API, TaskRouter's Event Callback, and the webhook deliveries an admin reads. */
export function registerAcdHttp(
  server: Server,
  config: Pick<AppConfig, 'acdEventSecrets' | 'acdWebhook' | 'twilio' | 'reasonCodes'>,
  deps: { dispatcher: AcdDispatcher; db: Kysely<Database>; logger: Logger },
): void {
  const { dispatcher, db, logger } = deps;
  registerAcdRoutes(server, { dispatcher, secrets: config.acdEventSecrets, logger });
  // TaskRouter's calls are listed too, so the route answers with ACD_EVENTS_SECRET when no webhook has its own.
  registerWebhookDeliveriesRoute(server, { db, secret: config.acdWebhook?.secret ?? config.acdEventSecrets.get('default'), logger });
  registerTaskRouterRoute(server, {
    dispatcher,
    db,
    translator: new TaskRouterTranslator({ db, activityStates: parseActivityStates(config.twilio.activityStates), reasonCodes: config.reasonCodes }),
    authToken: config.twilio.authToken,
    publicBaseUrl: config.twilio.publicBaseUrl,
    logger,
  });
}
