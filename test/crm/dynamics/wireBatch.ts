import { randomUUID } from 'node:crypto';
import { error, type Reply } from './wireReply.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Runs one request of the batch (already authenticated with the batch's token). */
export type RunPart = (method: string, url: string, headers: Record<string, string>, body: string) => Reply;

/**
 * POST $batch as "Execute batch operations using the Web API" describes it (requests outside change sets):
 * - the requests run in order and the response parts follow their order, each `application/http` with the
 *   request's status line, headers and body, between `--batchresponse_<id>` boundaries;
 * - "When an error occurs for a request within a batch, the error for that request will be returned for the
 *   batch request and more requests won't be processed": the batch answers with the failing request's status
 *   (the docs' example: HTTP/1.1 400 for a 400 part) and stops there. The docs do not say whether the parts
 *   before it are in the body; they are here (OData 4.0 11.7.4: responses to the requests processed);
 * - with `Prefer: odata.continue-on-error` the batch answers 200 and every request's response, failed ones
 *   included. The docs do not show a Preference-Applied header for it; none is sent.
 * Change sets are refused (the connector sends none).
 */
export function batch(base: string, headers: Record<string, string>, body: string, run: RunPart): Reply {
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) return error(400, '0x80060888', 'The batch request must have a "Content-Type" header with a multipart/mixed boundary.');
  const continueOnError = /odata\.continue-on-error/.test(headers.prefer ?? '');
  const parts = body.split(`--${boundary}`).slice(1);
  const responseBoundary = `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  let failed: Reply | undefined;
  for (const part of parts) {
    if (part.startsWith('--')) break;
    const [partHeaders, ...rest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    if (/multipart\/mixed/i.test(partHeaders ?? '')) return error(400, '0x80060888', 'Change sets are not supported by this test server.');
    const http = rest.join('\r\n\r\n');
    const [head, ...bodyParts] = http.split(/\r?\n\r?\n/);
    const [requestLine, ...headerLines] = (head ?? '').split(/\r?\n/);
    // METHOD <url> HTTP/1.1, the url as the client wrote it (dynamics-web-api leaves spaces of $orderby in it).
    const words = (requestLine ?? '').split(' ');
    const method = words[0] ?? 'GET';
    const target = words.slice(1, -1).join(' ');
    const innerHeaders: Record<string, string> = { authorization: headers.authorization ?? '' };
    for (const line of headerLines) {
      const i = line.indexOf(':');
      if (i > 0) innerHeaders[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const innerUrl = new URL(target || '/', base);
    const reply = run(method, `${innerUrl.pathname}${innerUrl.search}`, innerHeaders, bodyParts.join('\r\n\r\n').trim());
    const lines = [`HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? 'Error'}`];
    if (reply.body !== undefined) lines.push('Content-Type: application/json; odata.metadata=minimal; odata.streaming=true');
    lines.push('OData-Version: 4.0');
    for (const [k, v] of Object.entries(reply.headers ?? {})) lines.push(`${k}: ${v}`);
    out.push(
      `--${responseBoundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n${lines.join('\r\n')}\r\n\r\n${reply.body === undefined ? '' : JSON.stringify(reply.body)}\r\n`,
    );
    if (reply.status >= 400 && !continueOnError) {
      failed = reply;
      break;
    }
  }
  return {
    status: failed?.status ?? 200,
    headers: { 'Content-Type': `multipart/mixed; boundary=${responseBoundary}`, 'OData-Version': '4.0' },
    body: `${out.join('')}--${responseBoundary}--\r\n`,
  };
}
