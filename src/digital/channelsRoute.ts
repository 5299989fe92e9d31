import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, type RefusalLog } from '../http/refusalLog.js';
import type { AccessTokens } from './accessTokens.js';
import { authenticatedIntegration } from './bearerAuth.js';
import { channelView, parseChannel } from './channelSchema.js';
import type { Channels } from './channels.js';

export const CHANNELS_PATH = '/dfo/3.0/channels';

/** POST /dfo/3.0/channels (register or update a channel, seed 002) and GET (the caller's own channels). */
export function registerChannelsRoute(server: Server, deps: { channels: Channels; tokens: AccessTokens; refusals: RefusalLog; logger: Logger }): void {
  server.post(CHANNELS_PATH, async (req: Request, res: Response) => {
    const integrationId = await authenticatedIntegration(req, res, deps.tokens, deps.refusals);
    if (!integrationId) return;
    const parsed = parseChannel(req.body, integrationId);
    if (!parsed.ok) {
      deps.logger.info({ integrationId, problem: clip(parsed.problem, 300) }, 'digital channel refused: invalid');
      res.send(400, { error: parsed.problem });
      return;
    }
    try {
      const outcome = await deps.channels.register(parsed.channel);
      res.send(outcome === 'created' ? 201 : 200, channelView(parsed.channel));
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'digital channels', integrationId });
    }
  });

  server.get(CHANNELS_PATH, async (req: Request, res: Response) => {
    const integrationId = await authenticatedIntegration(req, res, deps.tokens, deps.refusals);
    if (!integrationId) return;
    try {
      res.send(200, { channels: (await deps.channels.listOwn(integrationId)).map(channelView) });
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'digital channels', integrationId });
    }
  });
}
