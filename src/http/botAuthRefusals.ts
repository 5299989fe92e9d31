import type { Request, Response } from 'restify';
import { clip, type RefusalLog } from './refusalLog.js';

/**
 * An activity whose Bot Framework token does not let it in. `reason` says why in our words; `detail`, when
 * there is one, is what the Bot Framework library said (for the log only: it never reaches the client).
 */
export class BotAuthRefused extends Error {
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(`bot authentication refused: ${reason}`);
    this.name = 'BotAuthRefused';
  }
}

/** Answers a refused activity: 401 with nothing internal in it, and one structured (rate-limited) log line. */
export function answerBotAuthRefused(req: Request, res: Response, refusal: BotAuthRefused, refusals: RefusalLog): void {
  refusals.refused({
    reason: refusal.reason,
    ...(refusal.detail ? { detail: clip(refusal.detail, 200) } : {}),
    client: req.socket.remoteAddress,
    activityType: clip((req.body as { type?: unknown } | undefined)?.type ?? '', 40),
  });
  res.header('WWW-Authenticate', 'Bearer');
  res.send(401, { error: 'unauthorized' });
}
