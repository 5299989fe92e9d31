import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { describeIssues } from '../domain/errors.js';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, RefusalLog } from '../http/refusalLog.js';
import { SIMULATOR_BOX_PATH, type ChatSimulator } from './chatSimulator.js';

/** What the simulator reads of a reply the app delivers (the seed's message format, direction outbound); the rest is ignored. */
const replySchema = z.object({
  idOnExternalPlatform: z.string().min(1).max(200),
  thread: z.object({ idOnExternalPlatform: z.string().min(1).max(200) }),
  messageContent: z.object({ type: z.literal('TEXT'), payload: z.object({ text: z.string().max(10_000) }) }),
  direction: z.literal('outbound').optional(),
});

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** HTTP Basic credentials of a request, if it carries any. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  };
  return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

/**
 * POST /api/simulator/box: the chat simulator's integration box URL, on the app itself. It takes calls from
 * this machine only, with the simulator's credentials of this start (HTTP Basic), as a real middleware checks
 * the callbacks it gets; a reply delivered again (same message id) is acknowledged and not told twice.
 */
export function registerSimulatorBoxRoute(server: Server, deps: { simulator: ChatSimulator; logger: Logger }): void {
  const refusals = new RefusalLog(deps.logger, 'simulator box request refused', { level: 'info' });
  server.post(SIMULATOR_BOX_PATH, async (req: Request, res: Response) => {
    const client = req.socket.remoteAddress ?? '';
    if (!LOOPBACK.has(client)) {
      refusals.refused({ status: 403, problem: 'not a loopback caller', client });
      res.send(403, { error: 'the simulator box takes calls from this machine only' });
      return;
    }
    const credentials = basicCredentials(req.header('authorization'));
    if (!credentials || !deps.simulator.acceptsBoxCredentials(credentials.id, credentials.secret)) {
      refusals.refused({ status: 401, problem: credentials ? 'wrong credentials' : 'no Basic credentials', client });
      res.header('WWW-Authenticate', 'Basic realm="simulator box"');
      res.send(401, { error: 'unauthorized: the simulator box takes the simulator integration’s client id and secret (HTTP Basic)' });
      return;
    }
    const parsed = replySchema.safeParse(req.body);
    if (!parsed.success) {
      const problem = clip(describeIssues(parsed.error.issues), 300);
      refusals.refused({ status: 400, problem, client });
      res.send(400, { error: problem });
      return;
    }
    const reply = parsed.data;
    try {
      const messageId = req.header('idempotency-key')?.trim().slice(0, 200) || reply.idOnExternalPlatform;
      await deps.simulator.receivedAtBox({ messageId, threadIdOnExternalPlatform: reply.thread.idOnExternalPlatform, text: reply.messageContent.payload.text });
      res.send(200, { status: 'delivered' });
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'simulator box' });
    }
  });
}
