import type { Channel } from '../domain/interaction.js';
import type { ContactLogEntry } from '../domain/wfm.js';
import { alignDown } from './intervalMath.js';

/**
 * What the interval reports need of one contact: the first time of each step (a step sent again, or known at an
 * earlier time, changes nothing; steps may arrive in any order). Both the reference computation from the raw
 * log and the rollups kept at append time fold entries into these facts and count from them, so they agree.
 *
 * Rules, on top of src/domain/wfm.ts:
 * - the contact's skill and channel are its first `offered` step's; before any offer it counts nowhere;
 * - it is answered when it has an `answered` step and was not abandoned before it (an `abandoned` strictly
 *   earlier than the answer wins: the contact is abandoned, not handled); the answering agent is the first
 *   `answered` step's;
 * - speed of answer is answered − offered, never below 0 (an ACD's clocks may disagree by a little);
 * - its work finishes at `acwCompleted`, or at `ended` while there is no `acwCompleted` (a contact without
 *   ACW; one still in ACW counts to its end until its ACW completes, which then moves its handle time);
 *   handle time is finish − answered, never below 0;
 * - transfers change no figure: the contact stays one contact of the skill it was offered through.
 */
export interface ContactFacts {
  skill: string;
  channel: Channel;
  offeredAt: number | null;
  answeredAt: number | null;
  answeredBy: string | null;
  endedAt: number | null;
  acwCompletedAt: number | null;
  abandonedAt: number | null;
}

const earlier = (known: number | null, at: number) => known === null || at < known;

/** The facts once `entry` is known too; the same object when it changes nothing. */
export function factsWith(facts: ContactFacts | null, entry: ContactLogEntry): ContactFacts {
  const at = Date.parse(entry.at);
  const base: ContactFacts = facts ?? {
    skill: entry.skill,
    channel: entry.channel,
    offeredAt: null,
    answeredAt: null,
    answeredBy: null,
    endedAt: null,
    acwCompletedAt: null,
    abandonedAt: null,
  };
  switch (entry.step) {
    case 'offered':
      return earlier(base.offeredAt, at) ? { ...base, offeredAt: at, skill: entry.skill, channel: entry.channel } : base;
    case 'answered':
      return earlier(base.answeredAt, at) ? { ...base, answeredAt: at, answeredBy: entry.agentId } : base;
    case 'ended':
      return earlier(base.endedAt, at) ? { ...base, endedAt: at } : base;
    case 'acwCompleted':
      return earlier(base.acwCompletedAt, at) ? { ...base, acwCompletedAt: at } : base;
    case 'abandoned':
      return earlier(base.abandonedAt, at) ? { ...base, abandonedAt: at } : base;
    case 'transferred':
      return base;
  }
}

export function isAnswered(facts: ContactFacts): boolean {
  return facts.answeredAt !== null && !(facts.abandonedAt !== null && facts.abandonedAt < facts.answeredAt);
}

/** Talk plus ACW in milliseconds, once the work has finished; null before (or when never answered). */
export function handleMs(facts: ContactFacts): number | null {
  const finished = facts.acwCompletedAt ?? facts.endedAt;
  if (!isAnswered(facts) || finished === null) return null;
  return Math.max(0, finished - facts.answeredAt!);
}

/** The sums of one (interval, skill, channel), as the rollup keeps them. */
export interface SkillTotals {
  intervalStart: number;
  skill: string;
  channel: Channel;
  offered: number;
  handled: number;
  abandoned: number;
  answerMs: number;
  handleMs: number;
  handleCount: number;
  /** Answered within the service level threshold. */
  withinServiceLevel: number;
}

/** What one contact adds to its skill's interval (the interval it was offered in): the sums it counts in, and how long it waited. */
export interface SkillContribution extends Omit<SkillTotals, 'withinServiceLevel'> {
  /** Whole seconds (rounded up) it waited to be answered, capped at WAIT_CAP_SECONDS; null when not answered. */
  waitSeconds: number | null;
}

/** The service level threshold is at most an hour (wfmConfig.ts): longer waits all count as "over". */
export const WAIT_CAP_SECONDS = 3601;

export function skillContribution(facts: ContactFacts): SkillContribution | null {
  if (facts.offeredAt === null) return null;
  const answered = isAnswered(facts);
  const answerMs = answered ? Math.max(0, facts.answeredAt! - facts.offeredAt) : 0;
  const handle = handleMs(facts);
  return {
    intervalStart: alignDown(facts.offeredAt),
    skill: facts.skill,
    channel: facts.channel,
    offered: 1,
    handled: answered ? 1 : 0,
    abandoned: !answered && facts.abandonedAt !== null ? 1 : 0,
    answerMs,
    handleMs: handle ?? 0,
    handleCount: handle === null ? 0 : 1,
    // ceil: waited ≤ N seconds exactly when ceil(ms / 1000) ≤ N, so any threshold reads the same buckets.
    waitSeconds: answered ? Math.min(WAIT_CAP_SECONDS, Math.ceil(answerMs / 1000)) : null,
  };
}

/** What one contact adds to its agent's interval: the interval it was answered in, with its whole handle time. */
export interface AgentContactContribution {
  intervalStart: number;
  agentId: string;
  contacts: number;
  handleMs: number;
}

export function agentContactContribution(facts: ContactFacts): AgentContactContribution | null {
  if (!isAnswered(facts) || !facts.answeredBy) return null;
  return { intervalStart: alignDown(facts.answeredAt!), agentId: facts.answeredBy, contacts: 1, handleMs: handleMs(facts) ?? 0 };
}

/** Every contact's facts from log entries given in the order they were appended. */
export function factsOfLog(entries: readonly ContactLogEntry[]): Map<string, ContactFacts> {
  const facts = new Map<string, ContactFacts>();
  for (const entry of entries) facts.set(entry.contactKey, factsWith(facts.get(entry.contactKey) ?? null, entry));
  return facts;
}
