import { signAcdBody } from '../../src/acd/signature.js';

export const ACD_SECRET = 'test-acd-secret-0123456789';
export const FLOW_SECRET = 'flow-engine-secret-abcdefghij';

export interface AcdAnswer {
  status: number;
  body: any;
}

/** Posts to the events API as an ACD would: the body signed with the secret, unless told otherwise. */
export async function postAcd(baseUrl: string, body: unknown, options: { secret?: string; t?: number; signature?: string | null; source?: string; rawBody?: string } = {}): Promise<AcdAnswer> {
  const text = options.rawBody ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? signAcdBody(options.secret ?? ACD_SECRET, text, options.t) : options.signature;
  if (signature !== null) headers['x-signature'] = signature;
  if (options.source) headers['x-acd-source'] = options.source;
  const response = await fetch(`${baseUrl}/api/acd/events`, { method: 'POST', headers, body: text });
  const answer = await response.text();
  return { status: response.status, body: answer ? JSON.parse(answer) : undefined };
}

let sequence = 0;
/** A unique contact id and event ids for one scenario. */
export const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

/** An event at `secondsAfter` seconds after `base`. */
export function event(type: string, base: number, secondsAfter: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { id: uniqueId('evt'), type, at: new Date(base + secondsAfter * 1000).toISOString(), ...fields };
}
