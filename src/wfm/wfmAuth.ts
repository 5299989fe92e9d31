import type { Request, Response } from 'restify';
import { clip, type RefusalLog } from '../http/refusalLog.js';
import type { WfmApiKeys } from './apiKeys.js';

/** A bearer longer than this is no key of ours: it is refused without hashing a megabyte. */
const MAX_BEARER = 200;

/**
 * The consumer whose API key (Authorization: Bearer, RFC 6750) the request carries; otherwise the request is
 * answered 401 with a WWW-Authenticate challenge and undefined is returned. The answer is the same for a
 * missing, malformed, unknown and revoked key.
 */
export async function authenticatedConsumer(req: Request, res: Response, keys: WfmApiKeys, refusals: RefusalLog): Promise<string | undefined> {
  const header = req.header('authorization') ?? '';
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const consumer = match ? await keys.verify(match[1]!.slice(0, MAX_BEARER)) : null;
  if (consumer) return consumer;
  refusals.refused({ status: 401, problem: match ? 'unknown or revoked key' : 'no bearer key', path: clip(req.path()), client: req.socket.remoteAddress });
  res.header('WWW-Authenticate', match ? 'Bearer realm="wfm", error="invalid_token"' : 'Bearer realm="wfm"');
  res.header('Cache-Control', 'no-store');
  res.send(401, { error: 'unauthorized: send a valid API key (Authorization: Bearer <key> from `npm run wfm -- add-key <consumer>`)' });
  return undefined;
}
