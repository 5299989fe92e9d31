import restify, { type Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeIssues } from './domain/errors.js';

/** The least an activity must carry for the bot to answer it; anything less is a 400, not a crash. */
const activityShape = z.object({
  type: z.string().min(1),
  conversation: z.object({ id: z.string().min(1) }).passthrough(),
  from: z.object({ id: z.string().min(1) }).passthrough(),
}).passthrough();

export interface ServerDeps {
  logger: Logger;
  /** Hands one HTTP request to the Bot Framework adapter (which authenticates it and runs the turn). */
  processActivity(req: restify.Request, res: restify.Response): Promise<void>;
  isReady(): boolean;
}

/** HTTP routes: /api/messages for Teams, /healthz for whoever runs the process (the tab registers /tabs/* and /api/tab/* itself: src/tab). */
export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'customer-card' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    const shape = activityShape.safeParse(req.body);
    if (!shape.success) {
      deps.logger.warn({ problem: describeIssues(shape.error.issues) }, 'malformed activity refused');
      res.send(400, { error: `malformed activity: ${describeIssues(shape.error.issues)}` });
      return;
    }
    try {
      await deps.processActivity(req, res);
    } catch (error) {
      deps.logger.error({ err: error }, 'activity processing failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    }
  });

  server.get('/healthz', async (_req, res) => {
    if (deps.isReady()) res.send(200, { status: 'ok' });
    else res.send(503, { status: 'starting' });
  });

  server.on('restifyError', (req, res, error, callback) => {
    deps.logger.warn({ err: error, path: req.path() }, 'http error');
    return callback();
  });
  return server;
}
