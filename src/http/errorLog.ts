import type { Server } from 'restify';
import type { Logger } from 'pino';
import { clip, RefusalLog } from './refusalLog.js';

/**
 * What restify's own answers leave in the log (no route, wrong method, a handler that threw). A client's
 * mistake (4xx) is one short line, rate limited, without a stack or anything it sent beyond a clipped path;
 * a failure of ours (5xx) is logged with its error.
 */
export function logHttpErrors(server: Server, logger: Logger): void {
  const clientMistakes = new RefusalLog(logger, 'http request refused', { level: 'info' });
  server.on('restifyError', (req, _res, error: Error & { statusCode?: number }, callback: () => void) => {
    const status = error.statusCode ?? 500;
    const where = { status, method: req.method, path: clip(req.path()) };
    if (status < 500) clientMistakes.refused({ ...where, code: error.name });
    else logger.error({ ...where, err: error }, 'http request failed');
    return callback();
  });
}
