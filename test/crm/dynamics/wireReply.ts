/** A Web API answer of the local Dataverse, and Dataverse's error body: {"error":{"code":"0x…","message":"…"}}. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const API = '/api/data/v9.2/';

export const error = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status,
  headers,
  body: { error: { code, message } },
});

/** Thrown inside a request's handling to answer with `reply`. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super((reply.body as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${reply.status}`);
  }
}
