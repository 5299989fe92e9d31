import type { Next, Request, RequestHandler, Response } from 'restify';
import { BodyTooLarge, encodingProblem, hasBody, MAX_BODY_BYTES, readBoundedBody } from './bodyLimits.js';
import { parseBody } from './bodyParsing.js';
import { bodyPolicyFor, checkContentType, ROUTE_BODY_POLICIES } from './contentTypes.js';
import { clip, type RefusalLog } from './refusalLog.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every request body, for every route, by the route's policy (contentTypes.ts): a body the route does
 * not take, in a format it does not take, or compressed, is 415; larger than MAX_BODY_BYTES, 413; unreadable,
 * 400. Each refusal is answered at once, closes the connection, and leaves the route's handler unrun. What is
 * read is set as `req.body` (parsed) and `req.rawBody` (the text, for signature checks).
 */
export function bodyReader(refusals: RefusalLog, options: { maxBytes?: number; policies?: typeof ROUTE_BODY_POLICIES } = {}): RequestHandler {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  // Callback style: restify runs an async handler's `next()` for it, and a refusal must stop the chain.
  return (req: Request, res: Response, next: Next) => {
    readInto(req, res).then(
      (proceed) => next(proceed ? undefined : false),
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };

  /** Resolves true when the route may run with `req.body` set; false when the request has been answered. */
  async function readInto(req: Request, res: Response): Promise<boolean> {
    if (!hasBody(req)) return true;
    const refuse = (status: number, problem: string): false => {
      refusals.refused({ status, problem, method: req.method, path: clip(req.path()), client: req.socket.remoteAddress });
      // The rest of what the client sends is not wanted: the connection ends with the answer.
      res.header('Connection', 'close');
      if (status === 415 && problem.startsWith('compressed')) res.header('Accept-Encoding', 'identity');
      res.send(status, { error: problem });
      return false;
    };

    const policy = bodyPolicyFor(req.path(), options.policies);
    if (!policy) return refuse(415, 'this address takes no request body');
    const encoding = encodingProblem(req);
    if (encoding) return refuse(415, encoding);
    const type = checkContentType(req.headers['content-type'], policy);
    if (!type.ok) return refuse(415, type.problem);

    const limit = Math.min(policy.maxBytes ?? maxBytes, maxBytes);
    let raw: Buffer;
    try {
      raw = await readBoundedBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuse(413, `the body is larger than ${limit} bytes`);
      // The client went away (or the request timeout cut it off): there is nobody to answer.
      refusals.refused({ status: 'none', problem: 'the body never arrived whole', method: req.method, path: clip(req.path()), client: req.socket.remoteAddress });
      return false;
    }
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return refuse(400, 'the body is not valid UTF-8');
    }
    const parsed = parseBody(text, type.format);
    if (!parsed.ok) return refuse(400, parsed.problem);
    req.body = parsed.body;
    req.rawBody = text;
    return true;
  }
}
