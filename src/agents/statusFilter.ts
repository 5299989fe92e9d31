import type { AgentStateName } from '../domain/agentState.js';

/**
 * The supervisors' `status` filters (issue 15): by state, by reason code, by skill, by time in state, and by
 * the customer or account of an agent's open interaction ("who is on a call with Contoso"). Words combine:
 * `status acw over 5m`. Parsed here, with no store: the service (agentStatus.ts) applies them.
 */
export interface StatusFilter {
  state?: AgentStateName;
  /** One of the configured reason codes, spelled as configured (an Unavailable agent's reason). */
  reasonCode?: string;
  /** A skill or queue name, as typed (compared without regard to case). */
  skill?: string;
  /** In their state for more than this many seconds. */
  overSeconds?: number;
  /** Part of the name of a linked or matched record of their open interaction, or of its organization. */
  with?: string;
}

export type ParsedStatus = { ok: true; filter: StatusFilter } | { ok: false; problem: string };

/** The filters, as the help reply lists them. */
export const STATUS_FILTER_HELP: readonly string[] = [
  'status: every agent',
  'status available, status unavailable, status working, status acw: agents in that state',
  'status lunch (any reason code): Unavailable agents with that reason',
  'status skill Billing: agents with that skill, or whose open contact came through it',
  'status over 90s, status over 5m, status over 1h: in their state for longer than that',
  'status with Contoso, or "who is on a call with Maria Garcia": agents whose open interaction is with that customer or account',
  'Combine them: status acw over 5m',
];

const STATES: Record<string, AgentStateName> = { available: 'Available', unavailable: 'Unavailable', working: 'Working', acw: 'ACW' };
/** A skill name as the SPEC allows it: 2 to 30 letters, digits and - _ . : */
const SKILL = /^[\p{L}\p{N}\-_.:]{2,30}$/u;
const DURATION = /^(\d{1,5})\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const MAX_OVER_SECONDS = 7 * 24 * 3600;
const MAX_WITH_LENGTH = 100;
const MAX_MESSAGE_LENGTH = 300;
/** "who is on a call with …", "who's on a call with …?" */
export const WHO_IS_ON_A_CALL_WITH = /^\s*who(?:'s|’s|\s+is)\s+on\s+a\s+call\s+with(?:\s+([\s\S]*?))?\s*\??\s*$/i;

/** Parses a whole `status …` or "who is on a call with …" message (the chat command's text). */
export function parseStatusMessage(message: string, reasonCodes: readonly string[]): ParsedStatus {
  if (message.length > MAX_MESSAGE_LENGTH) return { ok: false, problem: `That is too long for a status filter (at most ${MAX_MESSAGE_LENGTH} characters).` };
  const who = WHO_IS_ON_A_CALL_WITH.exec(message);
  if (who) return parseStatusFilter(`with ${who[1] ?? ''}`, reasonCodes);
  return parseStatusFilter(message.replace(/^\s*status\b/i, ''), reasonCodes);
}

/** Parses what follows `status`: its filter words, or what is wrong with them (the caller answers with the help). */
export function parseStatusFilter(argument: string, reasonCodes: readonly string[]): ParsedStatus {
  const filter: StatusFilter = {};
  let rest = argument.trim();
  if (rest.length > MAX_MESSAGE_LENGTH) return { ok: false, problem: `That is too long for a status filter (at most ${MAX_MESSAGE_LENGTH} characters).` };
  if (/^all$/i.test(rest)) return { ok: true, filter };
  if (/^(help|\?)$/i.test(rest)) return { ok: false, problem: 'Narrow the status down with these filters.' };
  while (rest) {
    const [word = '', ...others] = rest.split(/\s+/);
    const lower = word.toLowerCase();
    rest = others.join(' ');
    if (lower === 'with') {
      // Everything after "with" is the name: it may hold spaces and any of the other words.
      const name = rest.replace(/^["'“”]+|["'“”?]+$/g, '').trim();
      if (!name) return { ok: false, problem: 'Say whose calls: status with <customer or account>.' };
      if (name.length > MAX_WITH_LENGTH) return { ok: false, problem: `The name after "with" is too long (at most ${MAX_WITH_LENGTH} characters).` };
      filter.with = name;
      break;
    }
    if (lower in STATES) {
      const state = STATES[lower]!;
      if (filter.state && filter.state !== state) return { ok: false, problem: `An agent is in one state at a time: choose ${describeState(filter.state)} or ${describeState(state)}.` };
      if (filter.reasonCode && state !== 'Unavailable') return { ok: false, problem: `${filter.reasonCode} is a reason for Unavailable, not ${describeState(state)}.` };
      filter.state = state;
      continue;
    }
    if (lower === 'skill') {
      const [skill = '', ...after] = rest.split(/\s+/);
      if (!SKILL.test(skill)) return { ok: false, problem: 'Name the skill after "skill": 2 to 30 letters, digits or - _ . : (status skill Billing).' };
      if (filter.skill) return { ok: false, problem: 'Name one skill at a time.' };
      filter.skill = skill;
      rest = after.join(' ');
      continue;
    }
    if (lower === 'over') {
      // "over 5m", "over 5 m", "over 5 min"
      const [amount = '', unit = '', ...after] = rest.split(/\s+/);
      const joined = DURATION.exec(amount) ? { text: amount, after: [unit, ...after] } : { text: `${amount}${unit}`, after };
      const seconds = durationSeconds(joined.text);
      if (seconds === undefined) return { ok: false, problem: 'Say how long after "over": 90s, 5m or 1h.' };
      if (seconds > MAX_OVER_SECONDS) return { ok: false, problem: 'At most a week: over 168h.' };
      filter.overSeconds = seconds;
      rest = joined.after.filter(Boolean).join(' ');
      continue;
    }
    const reason = reasonCodes.find((code) => code.toLowerCase() === lower);
    if (reason) {
      if (filter.state && filter.state !== 'Unavailable') return { ok: false, problem: `${reason} is a reason for Unavailable, not ${describeState(filter.state)}.` };
      if (filter.reasonCode && filter.reasonCode !== reason) return { ok: false, problem: 'Name one reason code at a time.' };
      filter.reasonCode = reason;
      continue;
    }
    // Named only when short and plain: a status request never echoes a whole input.
    return { ok: false, problem: /^[\p{L}\p{N}\-_.:]{1,30}$/u.test(word) ? `"${word}" is not a status filter.` : 'That is not a status filter.' };
  }
  return { ok: true, filter };
}

function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!.charAt(0).toLowerCase()]!;
  return seconds > 0 ? seconds : undefined;
}

function describeState(state: AgentStateName): string {
  return state === 'ACW' ? 'After Call Work' : state;
}

/** "14 min", "1 h 5 min", "90 s": a duration as the status card writes it. */
export function describeSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** What a filter asks, in words ("After Call Work, in state over 5 min"); empty for none. */
export function describeStatusFilter(filter: StatusFilter): string {
  const parts: string[] = [];
  if (filter.state) parts.push(describeState(filter.state));
  if (filter.reasonCode) parts.push(`reason ${filter.reasonCode}`);
  if (filter.skill) parts.push(`skill ${filter.skill}`);
  if (filter.overSeconds !== undefined) parts.push(`in state over ${describeSeconds(filter.overSeconds)}`);
  if (filter.with) parts.push(`with "${filter.with}"`);
  return parts.join(', ');
}

export function isEmptyFilter(filter: StatusFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}
