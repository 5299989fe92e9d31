import type { IncomingMessage, ServerResponse } from 'node:http';

/** Plumbing of the local Zendesk (wireServer.ts): Zendesk's error bodies, pagination and sorting, HTTP I/O. */

export type Obj = Record<string, unknown>;

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** 422 RecordInvalid naming the field, as Zendesk's API reference shows it. */
export const invalid = (field: string, description: string, error = 'InvalidValue') =>
  new HttpFailure(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } });
export const notFound = () => new HttpFailure(404, { error: 'RecordNotFound', description: 'Not found' });
/** Zendesk's 403 for what the agent's role may not see (its "Forbidden" body). */
export const forbidden = () => new HttpFailure(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });

export function ok(json: unknown): { status: number; json: unknown } {
  return { status: 200, json };
}

export function sorted<T extends Obj>(url: URL, items: T[]): T[] {
  const by = url.searchParams.get('sort_by') ?? 'id';
  const desc = url.searchParams.get('sort_order') === 'desc';
  const key = (o: Obj) => (by === 'created_at' ? String(o.created_at) : by === 'updated_at' ? String(o.updated_at) : '');
  return [...items].sort((a, b) => {
    const primary = key(a).localeCompare(key(b)) || Number(a.id) - Number(b.id);
    return desc ? -primary : primary;
  });
}

/** Offset (page, per_page, next_page) or cursor (page[size], page[after], links.next, meta.has_more) pagination. */
export function paginate(url: URL, name: string, items: Obj[], pageSize: number, baseUrl: string): Obj {
  const cursorSize = url.searchParams.get('page[size]');
  if (cursorSize !== null) {
    const size = Math.min(Number(cursorSize) || 100, pageSize);
    const after = url.searchParams.get('page[after]');
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const slice = items.slice(start, start + size);
    const more = start + size < items.length;
    const cursor = Buffer.from(String(start + size)).toString('base64url');
    return {
      [name]: slice,
      meta: { has_more: more, after_cursor: more ? cursor : null, before_cursor: null },
      links: { next: more ? pageUrl(url, { 'page[after]': cursor }, baseUrl) : null, prev: null },
    };
  }
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 100) || 100, pageSize);
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const more = page * perPage < items.length;
  return {
    [name]: items.slice((page - 1) * perPage, page * perPage),
    next_page: more ? pageUrl(url, { page: String(page + 1) }, baseUrl) : null,
    previous_page: page > 1 ? pageUrl(url, { page: String(page - 1) }, baseUrl) : null,
    count: items.length,
  };
}

export function pageUrl(url: URL, params: Record<string, string>, baseUrl: string): string {
  const next = new URL(url.pathname, baseUrl);
  url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
  for (const [key, value] of Object.entries(params)) next.searchParams.set(key, value);
  return next.toString();
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
