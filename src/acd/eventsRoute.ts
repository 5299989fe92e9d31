import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { describeIssues } from '../domain/errors.js';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, RefusalLog } from '../http/refusalLog.js';
import type { AcdDispatcher } from './dispatcher.js';
import { parseAcdRequest } from './eventSchema.js';
import { acdOpenApiDocument } from './openapi.js';
import { verifyAcdSignature } from './signature.js';

export interface AcdRouteDeps {
  dispatcher: AcdDispatcher;
  /** source → secret; 'default' is for requests naming no source (X-Acd-Source). */
  secrets: ReadonlyMap<string, string>;
  logger: Logger;
}

/**
 * The contact-center events API: POST /api/acd/events (signed, see signature.ts; one event or a batch) and
 * its OpenAPI document. The handler only authenticates, validates and hands over to the dispatcher.
 */
export function registerAcdRoutes(server: Server, deps: AcdRouteDeps): void {
  const refusals = new RefusalLog(deps.logger, 'ACD event request refused: signature', { level: 'info' });

  server.post('/api/acd/events', async (req: Request, res: Response) => {
    const sourceHeader = req.header('x-acd-source');
    const source = sourceHeader?.trim() || 'default';
    const secret = deps.secrets.get(source);
    // Checked before the body is even looked at: an unsigned request learns nothing and changes nothing.
    const verdict = secret
      ? verifyAcdSignature(req.header('x-signature'), req.rawBody ?? '', secret)
      : { ok: false as const, problem: sourceHeader ? 'X-Acd-Source names no configured source' : 'no ACD_EVENTS_SECRET is configured' };
    if (!verdict.ok) {
      refusals.refused({ status: 401, problem: verdict.problem, source: clip(source), client: req.socket.remoteAddress });
      res.send(401, { error: `unauthorized: ${verdict.problem}` });
      return;
    }
    const parsed = parseAcdRequest(req.body);
    if (!parsed.ok) {
      const problem = clip(describeIssues(parsed.issues), 500);
      deps.logger.info({ source, problem }, 'ACD event request refused: invalid');
      res.send(400, { error: problem });
      return;
    }
    const prefix = (i: number) => ('events' in (req.body as object) ? `events.${i}.` : '');
    const resolution = await deps.dispatcher.resolve(parsed.events, prefix);
    if (!resolution.ok) {
      deps.logger.info({ source, problem: resolution.problem }, 'ACD event request refused');
      res.send(resolution.status, { error: resolution.problem });
      return;
    }
    try {
      const { outcomes } = await deps.dispatcher.dispatch(parsed.events, resolution.agentIds, { source, postCard: true, strict: false });
      res.send(200, { results: outcomes });
    } catch (error) {
      // Every event is recorded before it acts: the ACD's retry converges whatever was left undone.
      answerFailure(res, error, deps.logger, { route: 'acd events', source });
    }
  });

  server.get('/api/acd/openapi.json', async (_req: Request, res: Response) => {
    res.send(200, acdOpenApiDocument());
  });
}
