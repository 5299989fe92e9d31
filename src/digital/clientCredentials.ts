/*
 * Reading a token request (OAuth 2.0 client credentials, RFC 6749 §4.4 and §2.3.1): the grant type and the
 * client's id and secret, from HTTP Basic or from the body (form or JSON), never both.
 */

/** An RFC 6749 §5.2 error code with the HTTP status it is answered with. */
export interface TokenRefusal {
  status: 400 | 401;
  error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';
  description: string;
}

export type TokenRequest = { ok: true; clientId: string; clientSecret: string } | { ok: false; refusal: TokenRefusal };

const MAX_FIELD = 500;

const invalidRequest = (description: string): TokenRequest => ({ ok: false, refusal: { status: 400, error: 'invalid_request', description } });
const invalidClient = (description: string): TokenRequest => ({ ok: false, refusal: { status: 401, error: 'invalid_client', description } });

/** Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1); a value that does not decode is taken as sent. */
function formDecoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function basicCredentials(header: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]{1,2000})\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: formDecoded(decoded.slice(0, colon)), clientSecret: formDecoded(decoded.slice(colon + 1)) };
}

const field = (body: Record<string, unknown>, name: string): string | undefined | null => {
  const value = body[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length <= MAX_FIELD ? value : null;
};

/** Reads a token request; the refusals follow RFC 6749 §5.2 (the grant is checked before the client). */
export function readTokenRequest(authorization: string | undefined, body: unknown): TokenRequest {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) return invalidRequest('the body must be a form or a JSON object');
  const fields = (body ?? {}) as Record<string, unknown>;
  const grantType = field(fields, 'grant_type');
  if (grantType === undefined) return invalidRequest('grant_type: required');
  if (grantType === null) return invalidRequest('grant_type: must be a short string');
  if (grantType !== 'client_credentials') return { ok: false, refusal: { status: 400, error: 'unsupported_grant_type', description: 'grant_type: only client_credentials is supported' } };
  const bodyId = field(fields, 'client_id');
  const bodySecret = field(fields, 'client_secret');
  if (bodyId === null || bodySecret === null) return invalidRequest('client_id and client_secret: must be short strings');
  if (authorization) {
    // One way of authenticating per request (RFC 6749 §2.3): the header, or the body.
    if (bodySecret !== undefined) return invalidRequest('client credentials: send them in the Authorization header or in the body, not both');
    const basic = basicCredentials(authorization);
    if (!basic) return invalidClient('Authorization: expected Basic with the client id and secret');
    return { ok: true, ...basic };
  }
  if (!bodyId || bodySecret === undefined) return invalidClient('client credentials: required (HTTP Basic, or client_id and client_secret in the body)');
  return { ok: true, clientId: bodyId, clientSecret: bodySecret };
}
