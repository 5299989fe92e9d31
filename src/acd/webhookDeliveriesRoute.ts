import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, RefusalLog } from '../http/refusalLog.js';
import { latestWebhookDeliveries } from '../store/acdWebhookRepository.js';
import type { Database } from '../store/schema.js';
import { verifyAcdSignature } from './signature.js';

const SHOWN = 100;

/**
 * GET /api/acd/webhook/deliveries: the latest 100 rows of the ACD outbox (the generic webhook's events and
 * TaskRouter's calls, `target` says which) and how they went, for an admin.
 * Signed like the events API, over an empty body ("<t>." with ACD_WEBHOOK_SECRET, else ACD_EVENTS_SECRET): no other secret to manage,
 * and a captured request is useless after 5 minutes. Event bodies are not shown, only their id and type.
 */
export function registerWebhookDeliveriesRoute(server: Server, deps: { db: Kysely<Database>; secret: string | undefined; logger: Logger }): void {
  const refusals = new RefusalLog(deps.logger, 'ACD webhook deliveries request refused: signature', { level: 'info' });
  server.get('/api/acd/webhook/deliveries', async (req: Request, res: Response) => {
    const verdict = deps.secret ? verifyAcdSignature(req.header('x-signature'), '', deps.secret) : { ok: false as const, problem: 'neither ACD_WEBHOOK_SECRET nor ACD_EVENTS_SECRET is configured' };
    if (!verdict.ok) {
      refusals.refused({ status: 401, problem: clip(verdict.problem), client: req.socket.remoteAddress });
      res.send(401, { error: `unauthorized: ${verdict.problem}` });
      return;
    }
    let rows: Awaited<ReturnType<typeof latestWebhookDeliveries>>;
    try {
      rows = await latestWebhookDeliveries(deps.db, SHOWN);
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'acd webhook deliveries' });
      return;
    }
    res.send(200, {
      deliveries: rows.map((row) => ({
        id: row.id,
        target: row.target,
        type: row.type,
        status: row.status,
        attempts: row.attempts,
        lastStatusCode: row.last_status_code,
        lastError: row.last_error,
        nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      })),
    });
  });
}
