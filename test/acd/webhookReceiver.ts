import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  idempotencyKey: string | undefined;
  body: any;
  /** Whether X-Signature verified over the raw body with the receiver's secret (checked here, independently). */
  signatureValid: boolean;
  answered: number;
}

/**
 * A generic ACD's webhook endpoint for tests: verifies `X-Signature: t=<s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * with its own HMAC (not the app's code, so a wrong signer is caught), records every request, and answers
 * the statuses queued in `failNext` first (with Retry-After: 0), then 200.
 */
export async function startWebhookReceiver(secret: string): Promise<{ url: string; received: ReceivedHook[]; failNext: number[]; close(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const failNext: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answered = failNext.shift() ?? 200;
      received.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(raw), signatureValid: verify(String(req.headers['x-signature'] ?? ''), raw), answered });
      res.writeHead(answered, answered === 200 ? {} : { 'retry-after': '0' });
      res.end();
    });
  });
  const verify = (header: string, raw: string): boolean => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    if (!match || Math.abs(Date.now() / 1000 - Number(match[1])) > 300) return false;
    const expected = createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest();
    return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/acd`,
    received,
    failNext,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
