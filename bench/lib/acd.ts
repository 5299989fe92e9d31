import { signAcdBody } from '../../src/acd/signature.js';
import type { BotClient } from './teams.js';

/** The secret the ACD scenarios' bots are started with (ACD_EVENTS_SECRET). */
export const BENCH_ACD_SECRET = 'bench-acd-events-secret-0123456789';

export type AcdPost = { status: number; body: string; sentAt: number; answeredAt: number };

/** Posts one event or a batch to POST /api/acd/events, signed as the README documents (X-Signature). */
export function postAcdEvents(client: BotClient, body: unknown): Promise<AcdPost> {
  const text = JSON.stringify(body);
  return client.postTo('/api/acd/events', Buffer.from(text), { 'content-type': 'application/json', 'x-signature': signAcdBody(BENCH_ACD_SECRET, text) });
}

/** The outcomes the events API answered for a request, or the HTTP status when it was not a 200. */
export function outcomesOf(answer: AcdPost): string[] {
  if (answer.status !== 200) return [`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`];
  return (JSON.parse(answer.body) as { results: Array<{ outcome: string; message?: string }> }).results.map((r) => (r.message ? `${r.outcome}: ${r.message}` : r.outcome));
}
