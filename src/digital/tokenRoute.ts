import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { answerFailure } from '../http/failureAnswer.js';
import { RefusalLog } from '../http/refusalLog.js';
import type { AccessTokens } from './accessTokens.js';
import { readTokenRequest, type TokenRefusal } from './clientCredentials.js';
import type { Integrations } from './integrations.js';

export const TOKEN_PATH = '/dfo/3.0/token';

/**
 * POST /dfo/3.0/token: OAuth 2.0 client credentials (RFC 6749 §4.4). The answer never says whether a client
 * id exists: an unknown id and a wrong secret get the same 401 after the same work.
 */
export function registerTokenRoute(server: Server, deps: { integrations: Integrations; tokens: AccessTokens; logger: Logger }): void {
  const refusals = new RefusalLog(deps.logger, 'digital token request refused', { level: 'info' });
  const refuse = (req: Request, res: Response, refusal: TokenRefusal) => {
    refusals.refused({ status: refusal.status, error: refusal.error, client: req.socket.remoteAddress });
    if (refusal.status === 401) res.header('WWW-Authenticate', 'Basic realm="dfo"');
    res.header('Cache-Control', 'no-store');
    res.send(refusal.status, { error: refusal.error, error_description: refusal.description });
  };

  server.post(TOKEN_PATH, async (req: Request, res: Response) => {
    const request = readTokenRequest(req.header('authorization'), req.body);
    if (!request.ok) return refuse(req, res, request.refusal);
    try {
      const integration = await deps.integrations.verify(request.clientId, request.clientSecret);
      if (!integration) return refuse(req, res, { status: 401, error: 'invalid_client', description: 'the client id and secret do not match an integration' });
      const token = await deps.tokens.issue(integration.id);
      // RFC 6749 §5.1: a response holding a token is never cached.
      res.header('Cache-Control', 'no-store');
      res.header('Pragma', 'no-cache');
      res.send(200, { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn });
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'digital token' });
    }
  });
}
