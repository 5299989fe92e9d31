import { signAcdBody } from '../../src/acd/signature.js';
import type { BotHarness, TeamsUser } from '../support/botHarness.js';

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

const agentsMade = new Map<string, number>();
/**
 * A new agent the app knows, for an ACD to name: a Teams user who has talked to the bot (so their chat is
 * known), Unavailable until the ACD says otherwise. `id` "ringing-agent" and `name` "Ringing Agent" give
 * ringing-agent-1, "Ringing Agent 1", then -2…
 */
export async function newAcdAgent(bot: BotHarness, id: string, name: string): Promise<TeamsUser> {
  const n = (agentsMade.get(id) ?? 0) + 1;
  agentsMade.set(id, n);
  const user = bot.user(`${id}-${n}`, `${name} ${n}`);
  await user.sayText('unavailable Lunch');
  return user;
}
