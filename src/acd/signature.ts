import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's time may be from ours, either way: a captured request cannot be replayed later. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** The `X-Signature` header for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signAcdBody(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${nowSeconds},v1=${hmac(secret, `${nowSeconds}.${body}`)}`;
}

export type SignatureVerdict = { ok: true } | { ok: false; problem: string };

/** Checks an `X-Signature` header over the raw body against a secret, in constant time, within the window. */
export function verifyAcdSignature(header: string | undefined, body: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): SignatureVerdict {
  if (!header) return { ok: false, problem: 'X-Signature is missing' };
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return { ok: false, problem: 'X-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  if (Math.abs(nowSeconds - Number(t)) > SIGNATURE_WINDOW_SECONDS) return { ok: false, problem: 'X-Signature is outside the 5-minute window (check the clock)' };
  const expected = Buffer.from(hmac(secret, `${t}.${body}`), 'hex');
  const given = Buffer.from(v1, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, problem: 'X-Signature does not match the body' };
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}
