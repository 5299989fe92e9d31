import type { Request, Response } from 'restify';
import { clip, type RefusalLog } from '../http/refusalLog.js';
import type { AccessTokens } from './accessTokens.js';

/**
 * The integration whose access token (Authorization: Bearer, RFC 6750) the request carries; otherwise the
 * request is answered 401 with a WWW-Authenticate challenge and undefined is returned. The answer is the
 * same for a missing, unknown and expired token.
 */
export async function authenticatedIntegration(req: Request, res: Response, tokens: AccessTokens, refusals: RefusalLog): Promise<string | undefined> {
  const header = req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const integrationId = match ? await tokens.integrationOf(match[1]!) : undefined;
  if (integrationId) return integrationId;
  refusals.refused({ status: 401, problem: match ? 'unknown or expired token' : 'no bearer token', path: clip(req.path()), client: req.socket.remoteAddress });
  res.header('WWW-Authenticate', match ? 'Bearer realm="dfo", error="invalid_token"' : 'Bearer realm="dfo"');
  res.send(401, { error: 'unauthorized: send a valid access token (Authorization: Bearer <token> from POST /dfo/3.0/token)' });
  return undefined;
}
