import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { describeIssues } from '../domain/errors.js';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, RefusalLog } from '../http/refusalLog.js';
import { putWorkerSid } from '../store/acdRepository.js';
import type { Database } from '../store/schema.js';
import type { AcdDispatcher } from './dispatcher.js';
import { acdEventSchema } from './eventSchema.js';
import type { TaskRouterTranslator } from './taskRouter.js';
import { loadTwilio } from './taskRouterOutbound.js';

export const TASKROUTER_PATH = '/api/acd/twilio/taskrouter';

export interface TaskRouterRouteDeps {
  dispatcher: AcdDispatcher;
  translator: TaskRouterTranslator;
  db: Kysely<Database>;
  /** TWILIO_AUTH_TOKEN; unset, every callback gets 401. */
  authToken: string | undefined;
  /** PUBLIC_BASE_URL: the address Twilio calls, when the app sits behind a proxy that changes it. */
  publicBaseUrl: string | undefined;
  logger: Logger;
}

/**
 * TaskRouter's Event Callback (form-encoded), checked with the twilio library's request validation over the
 * URL Twilio called, translated into the events API's events and handed to the same dispatcher. Answers
 * 204 as TaskRouter asks, also for events this app does not act on.
 */
export function registerTaskRouterRoute(server: Server, deps: TaskRouterRouteDeps): void {
  const refusals = new RefusalLog(deps.logger, 'TaskRouter callback refused: signature', { level: 'info' });

  server.post(TASKROUTER_PATH, async (req: Request, res: Response) => {
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const url = `${deps.publicBaseUrl ?? `${req.isSecure() ? 'https' : 'http'}://${req.headers.host ?? ''}`}${req.url ?? TASKROUTER_PATH}`;
    const signature = req.header('x-twilio-signature');
    if (!deps.authToken || !signature || !(await loadTwilio()).validateRequest(deps.authToken, signature, url, params)) {
      refusals.refused({
        status: 401,
        problem: !deps.authToken ? 'no TWILIO_AUTH_TOKEN is configured' : signature ? 'X-Twilio-Signature does not match' : 'X-Twilio-Signature is missing',
        client: req.socket.remoteAddress,
      });
      res.send(401, { error: 'unauthorized' });
      return;
    }
    const translation = await deps.translator.translate(params);
    if (translation.kind === 'ignored') {
      deps.logger.debug({ eventType: clip(String(params.EventType ?? '')), reason: translation.reason }, 'TaskRouter event not acted on');
      res.send(204);
      return;
    }
    const invalid = translation.events.map((e) => acdEventSchema.safeParse(e)).find((r) => !r.success);
    if (invalid && !invalid.success) {
      const problem = clip(describeIssues(invalid.error.issues), 300);
      deps.logger.info({ problem }, 'TaskRouter event refused: invalid');
      res.send(400, { error: problem });
      return;
    }
    const resolution = await deps.dispatcher.resolve(translation.events, () => 'worker ');
    if (!resolution.ok) {
      deps.logger.info({ problem: resolution.problem }, 'TaskRouter event refused');
      res.send(resolution.status, { error: resolution.problem });
      return;
    }
    try {
      if (translation.workerSid) await putWorkerSid(deps.db, resolution.agentIds[0]!, translation.workerSid.slice(0, 64), new Date().toISOString());
      await deps.dispatcher.dispatch(translation.events, resolution.agentIds, { source: 'twilio', postCard: true, strict: false });
      res.send(204);
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'taskrouter' });
    }
  });
}
