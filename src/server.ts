import restify, { type Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeIssues } from './domain/errors.js';
import type { HttpConfig } from './config.js';
import { answerBotAuthRefused, BotAuthRefused } from './http/botAuthRefusals.js';
import { bodyReader } from './http/bodyReader.js';
import { limitConnections } from './http/connectionLimits.js';
import { answerFailure } from './http/failureAnswer.js';
import { logHttpErrors } from './http/errorLog.js';
import { clip, RefusalLog } from './http/refusalLog.js';

/**
 * The least an activity must carry for the bot to answer it; anything less is a 400, not a crash. The ids are
 * stored (conversation references, agents) and used as keys: bounded well above what Teams sends (a personal
 * chat's id is about 100 characters, a user's about 80), so nobody stores a megabyte as an id.
 */
const id = z.string().min(1).max(1024);
const activityShape = z
  .object({
    type: z.string().min(1).max(64),
    id: id.optional(),
    conversation: z.object({ id }).passthrough(),
    from: z.object({ id, aadObjectId: id.optional() }).passthrough(),
  })
  .passthrough();

export interface ServerDeps {
  logger: Logger;
  /** Timeouts and the per-client connection cap. */
  limits: Pick<HttpConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'maxConnectionsPerClient'>;
  /**
   * Hands one HTTP request to the Bot Framework adapter, which authenticates it and runs the turn; it
   * rejects with BotAuthRefused when the request's token does not let it in.
   */
  processActivity(req: restify.Request, res: restify.Response): Promise<void>;
  isReady(): boolean;
}

/**
 * HTTP routes: /api/messages for Teams, /healthz for whoever runs the process (the tab registers /tabs/* and
 * /api/tab/* itself: src/tab). Every route's body is read by one reader (src/http/bodyReader.ts).
 */
export function createServer(deps: ServerDeps): Server {
  const { logger } = deps;
  const server = restify.createServer({ name: 'customer-card' });
  limitConnections(server.server, deps.limits, new RefusalLog(logger, 'connection refused: too many open from one address'));
  server.use(bodyReader(new RefusalLog(logger, 'request body refused', { level: 'info' })));
  const authRefusals = new RefusalLog(logger, 'activity refused: bot authentication');

  server.post('/api/messages', async (req, res) => {
    const shape = activityShape.safeParse(req.body);
    if (!shape.success) {
      const problem = clip(describeIssues(shape.error.issues), 300);
      logger.info({ problem }, 'malformed activity refused');
      res.send(400, { error: `malformed activity: ${problem}` });
      return;
    }
    try {
      await deps.processActivity(req, res);
    } catch (error) {
      if (error instanceof BotAuthRefused) return answerBotAuthRefused(req, res, error, authRefusals);
      answerFailure(res, error, logger, { route: '/api/messages' });
    }
  });
  // The Agents Playground probes the endpoint with HEAD: it is there, and it takes POST.
  server.head('/api/messages', async (_req, res) => {
    res.header('Allow', 'POST, HEAD');
    res.send(deps.isReady() ? 200 : 503);
  });

  server.get('/healthz', async (_req, res) => {
    if (deps.isReady()) res.send(200, { status: 'ok' });
    else res.send(503, { status: 'starting' });
  });

  logHttpErrors(server, logger);
  return server;
}
