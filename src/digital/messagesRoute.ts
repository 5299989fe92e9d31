import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, type RefusalLog } from '../http/refusalLog.js';
import type { AccessTokens } from './accessTokens.js';
import { authenticatedIntegration } from './bearerAuth.js';
import { CHANNEL_ID } from './channelSchema.js';
import type { Channels } from './channels.js';
import { parseMessages } from './messageSchema.js';
import type { MessageIntake } from './ports.js';

export const MESSAGES_PATH = '/dfo/3.0/channels/:channelId/messages';
/** The same words for a channel that does not exist and for another integration's: a prober learns nothing. */
const NO_SUCH_CHANNEL = 'channelId: no such channel for this integration';

/**
 * POST /dfo/3.0/channels/{channelId}/messages: checks the caller, the channel and the body, then hands the
 * messages to the intake as they came (storing once, ordering and routing are the intake's) and answers
 * 202 with how many were new.
 */
export function registerMessagesRoute(server: Server, deps: { channels: Channels; tokens: AccessTokens; intake: MessageIntake; refusals: RefusalLog; logger: Logger }): void {
  server.post(MESSAGES_PATH, async (req: Request, res: Response) => {
    const integrationId = await authenticatedIntegration(req, res, deps.tokens, deps.refusals);
    if (!integrationId) return;
    const channelId = String(req.params?.channelId ?? '');
    try {
      const channel = CHANNEL_ID.test(channelId) ? await deps.channels.findOwn(integrationId, channelId) : undefined;
      if (!channel) {
        res.send(404, { error: NO_SUCH_CHANNEL });
        return;
      }
      const parsed = parseMessages(req.body);
      if (!parsed.ok) {
        deps.logger.info({ integrationId, channelId, problem: clip(parsed.problem, 300) }, 'digital messages refused: invalid');
        res.send(400, { error: parsed.problem });
        return;
      }
      const result = await deps.intake.receive(channel, parsed.messages);
      res.send(202, { stored: result.stored, duplicates: result.duplicates });
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'digital messages', integrationId, channelId: clip(channelId) });
    }
  });
}
