import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { RefusalLog } from '../http/refusalLog.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { AccessTokens } from './accessTokens.js';
import { Channels } from './channels.js';
import { registerChannelsRoute } from './channelsRoute.js';
import { Integrations } from './integrations.js';
import { registerMessagesRoute } from './messagesRoute.js';
import { digitalOpenApiDocument } from './openapi.js';
import type { MessageIntake } from './ports.js';
import { registerTokenRoute } from './tokenRoute.js';

/** The services behind the channels API. */
export interface DigitalIngress {
  integrations: Integrations;
  tokens: AccessTokens;
  channels: Channels;
}

export function createDigitalIngress(deps: { unit: UnitOfWork; clock: () => Date; tokenTtlSeconds: number }): DigitalIngress {
  return {
    integrations: new Integrations(deps),
    tokens: new AccessTokens({ unit: deps.unit, clock: deps.clock, ttlSeconds: deps.tokenTtlSeconds }),
    channels: new Channels(deps),
  };
}

export interface DigitalRouteDeps extends DigitalIngress {
  /** Where accepted messages go: the threads piece (MessageIntake, src/digital/ports.ts). */
  intake: MessageIntake;
  logger: Logger;
}

/**
 * The digital channels API (bring your own channel, seed 002): POST /dfo/3.0/token, POST and GET
 * /dfo/3.0/channels, POST /dfo/3.0/channels/{channelId}/messages, and GET /dfo/3.0/openapi.json.
 */
export function registerDigitalRoutes(server: Server, deps: DigitalRouteDeps): void {
  const refusals = new RefusalLog(deps.logger, 'digital request refused: access token', { level: 'info' });
  registerTokenRoute(server, deps);
  registerChannelsRoute(server, { ...deps, refusals });
  registerMessagesRoute(server, { ...deps, refusals });
  server.get('/dfo/3.0/openapi.json', async (_req: Request, res: Response) => {
    res.send(200, digitalOpenApiDocument());
  });
}
