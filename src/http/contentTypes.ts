/** The body formats the server can read. */
export type BodyFormat = 'application/json' | 'application/x-www-form-urlencoded' | 'text/csv';

/** What one route takes as a request body. */
export interface BodyPolicy {
  accepts: readonly BodyFormat[];
  /** A smaller bound than the server's (MAX_BODY_BYTES), for a route whose bodies are small by nature. */
  maxBytes?: number;
}

/**
 * Which routes take a body, and in which formats: one line per route (a path, or a prefix ending in `/`).
 * Every other route takes none, and a body sent to it gets 415. Teams posts activities as JSON, the tab
 * posts its actions as JSON; a route that takes a form (a webhook) adds its line here.
 */
export const ROUTE_BODY_POLICIES: ReadonlyArray<{ path: string; policy: BodyPolicy }> = [
  { path: '/api/messages', policy: { accepts: ['application/json'] } },
  { path: '/api/tab/', policy: { accepts: ['application/json'] } },
  { path: '/api/acd/events', policy: { accepts: ['application/json'] } },
  // The chat simulator's integration box: the app's own replies, in the channel format.
  { path: '/api/simulator/box', policy: { accepts: ['application/json'] } },
  // TaskRouter's Event Callback is a form.
  { path: '/api/acd/twilio/taskrouter', policy: { accepts: ['application/x-www-form-urlencoded'] } },
  // Digital channels (src/digital): the token request is a form (RFC 6749) or JSON; a channel is a few hundred bytes.
  { path: '/dfo/3.0/token', policy: { accepts: ['application/x-www-form-urlencoded', 'application/json'], maxBytes: 8 * 1024 } },
  { path: '/dfo/3.0/channels', policy: { accepts: ['application/json'], maxBytes: 16 * 1024 } },
  { path: '/dfo/3.0/channels/', policy: { accepts: ['application/json'] } },
  // A published schedule (src/wfm): CSV lines or JSON, up to the server's bound.
  { path: '/api/wfm/schedules', policy: { accepts: ['text/csv', 'application/json'] } },
];

/** The policy of the route a request path belongs to; undefined: the route takes no body. */
export function bodyPolicyFor(path: string, policies = ROUTE_BODY_POLICIES): BodyPolicy | undefined {
  return policies.find((p) => (p.path.endsWith('/') ? path.startsWith(p.path) : path === p.path))?.policy;
}

export type ContentTypeVerdict = { ok: true; format: BodyFormat } | { ok: false; problem: string };

/**
 * Checks a Content-Type header against a route's policy: the media type must be one the route takes, and
 * the text must be UTF-8 (the only charset JSON has, and what a form's percent-encoding decodes to).
 */
export function checkContentType(header: string | undefined, policy: BodyPolicy): ContentTypeVerdict {
  const expected = policy.accepts.join(' or ');
  if (!header) return { ok: false, problem: `the body needs a Content-Type: ${expected}` };
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const format = policy.accepts.find((accepted) => accepted === mediaType);
  if (!format) return { ok: false, problem: `this address takes ${expected}` };
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return { ok: false, problem: 'the body must be UTF-8' };
  return { ok: true, format };
}
