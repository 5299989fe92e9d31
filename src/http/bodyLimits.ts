import type { IncomingMessage } from 'node:http';

/** The most a request body may hold, as received and as read: Teams' activities are a few KB, cards far below this. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Whether a request carries a body at all (a length above zero, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Compressed bodies are refused (415), not inflated: neither the Bot Framework, nor a browser's fetch, nor a
 * webhook sender compresses what it posts, and inflating is where a 1 MB request becomes 1 GB of memory.
 * Refusing means nothing is ever decoded, so the size counted is the size read. `identity` is no encoding.
 */
export function encodingProblem(req: IncomingMessage): string | undefined {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  return encoding && encoding !== 'identity' ? 'compressed request bodies are not accepted: send it uncompressed' : undefined;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

export class BodyIncomplete extends Error {
  constructor() {
    super('the client stopped before the whole body arrived');
    this.name = 'BodyIncomplete';
  }
}

/**
 * Reads a body of at most `limit` bytes: a declared length above it is refused before a byte is read, and
 * reading stops as soon as the bytes received pass it (a chunked body declares nothing). A client that stops
 * sending is cut off by the server's request timeout (HTTP_REQUEST_TIMEOUT_MS): then this rejects.
 */
export function readBoundedBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        // What is still coming is thrown away as it arrives, until the connection closes after the answer.
        req.resume();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onAbort = () => {
      cleanup();
      reject(new BodyIncomplete());
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAbort);
    req.once('close', onAbort);
  });
}
