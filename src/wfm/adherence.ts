import type { AgentStateName } from '../domain/agentState.js';
import type { AgentAdherence, ScheduledActivity, StateLogEntry } from '../domain/wfm.js';
import { epochSecond, isoOfSecond, QUARTER_HOUR_SECONDS, quarterHourCeil, quarterHourFloor } from './adherenceTime.js';

/**
 * Adherence (pure): a published schedule against the state log, second by second.
 * - Each scheduled second is in adherence when the agent's state then is one the activity allows
 *   (WFM_ACTIVITY_STATES, activity names case-insensitive: "Available" allows any reason code,
 *   "Unavailable:Lunch" that reason code, case-insensitive); an activity not in the map allows Unavailable with
 *   the activity as reason code. A second with no state known (before the agent's first entry) is out.
 * - A state entry lasts until the agent's next entry by time; the latest lasts until `now`.
 * - Only the past counts: scheduled time after `now` is neither kept nor missed yet, so it is left out.
 * - Instants are taken to the whole second (milliseconds dropped), so every figure is whole seconds with no
 *   rounding; out-of-adherence minutes are the out-of-adherence seconds divided by 60, rounded down (a minute
 *   counts once complete); percentages are rounded to 0.1, null when nothing was scheduled.
 * - Schedule entries of one agent that overlap (publishing never leaves any) each count in full.
 */
export type ActivityStates = ReadonlyMap<string, readonly string[]>;

interface Segment {
  start: number;
  end: number;
  state: AgentStateName;
  reasonCode: string | null;
}

export interface AdherenceTally {
  agentId: string;
  scheduledSeconds: number;
  inAdherenceSeconds: number;
}

export interface IntervalTally {
  start: string;
  scheduledSeconds: number;
  inAdherenceSeconds: number;
}

export interface AdherenceInput {
  schedule: readonly ScheduledActivity[];
  /** By agent and time, including each agent's last entry before `from` (wfmLog.statesBetween). */
  states: readonly StateLogEntry[];
  from: Date;
  to: Date;
  now: Date;
  activityStates: ActivityStates;
}

/** Whether an agent in `state` (with `reasonCode`) keeps to `activity`. */
export function keepsTo(activity: string, state: AgentStateName, reasonCode: string | null, activityStates: ActivityStates): boolean {
  const wanted = activity.toLowerCase();
  const allowed = [...activityStates].find(([name]) => name.toLowerCase() === wanted)?.[1] ?? [`Unavailable:${activity}`];
  const reason = reasonCode?.toLowerCase() ?? null;
  return allowed.some((entry) => {
    const colon = entry.indexOf(':');
    if (colon < 0) return entry === state;
    return entry.slice(0, colon) === state && entry.slice(colon + 1).toLowerCase() === reason;
  });
}

/** Each agent's timeline: their entries as back-to-back segments, the latest up to `nowSecond`. */
function timelines(states: readonly StateLogEntry[], nowSecond: number): Map<string, Segment[]> {
  const byAgent = new Map<string, Segment[]>();
  const sorted = [...states].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0) || epochSecond(a.startedAt) - epochSecond(b.startedAt));
  for (const [index, entry] of sorted.entries()) {
    const next = sorted[index + 1];
    const start = epochSecond(entry.startedAt);
    const end = Math.min(next && next.agentId === entry.agentId ? epochSecond(next.startedAt) : nowSecond, nowSecond);
    if (end <= start) continue;
    let segments = byAgent.get(entry.agentId);
    if (!segments) byAgent.set(entry.agentId, (segments = []));
    segments.push({ start, end, state: entry.state, reasonCode: entry.reasonCode });
  }
  return byAgent;
}

/** The first segment ending after `second` (segments are sorted and do not overlap). */
function firstEndingAfter(segments: readonly Segment[], second: number): number {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (segments[mid]!.end <= second) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Scheduled and in-adherence seconds per agent (in the order first scheduled) and per 15-minute interval of [from, to). */
export function tallyAdherence(input: AdherenceInput): { agents: AdherenceTally[]; intervals: IntervalTally[] } {
  const nowSecond = epochSecond(input.now);
  const first = quarterHourFloor(epochSecond(input.from));
  const last = quarterHourCeil(epochSecond(input.to));
  const from = epochSecond(input.from);
  const until = Math.min(epochSecond(input.to), nowSecond);
  const intervals: IntervalTally[] = [];
  for (let start = first; start < last; start += QUARTER_HOUR_SECONDS) intervals.push({ start: isoOfSecond(start), scheduledSeconds: 0, inAdherenceSeconds: 0 });
  const addToIntervals = (a: number, b: number, field: 'scheduledSeconds' | 'inAdherenceSeconds') => {
    for (let at = a; at < b;) {
      const index = Math.floor((at - first) / QUARTER_HOUR_SECONDS);
      const boundary = Math.min(b, first + (index + 1) * QUARTER_HOUR_SECONDS);
      intervals[index]![field] += boundary - at;
      at = boundary;
    }
  };

  const lines = timelines(input.states, nowSecond);
  const tallies = new Map<string, AdherenceTally>();
  for (const entry of input.schedule) {
    const a = Math.max(epochSecond(entry.start), from);
    const b = Math.min(epochSecond(entry.end), until);
    let tally = tallies.get(entry.agentId);
    if (!tally) tallies.set(entry.agentId, (tally = { agentId: entry.agentId, scheduledSeconds: 0, inAdherenceSeconds: 0 }));
    if (b <= a) continue;
    tally.scheduledSeconds += b - a;
    addToIntervals(a, b, 'scheduledSeconds');
    const segments = lines.get(entry.agentId) ?? [];
    for (let index = firstEndingAfter(segments, a); index < segments.length && segments[index]!.start < b; index += 1) {
      const segment = segments[index]!;
      if (!keepsTo(entry.activity, segment.state, segment.reasonCode, input.activityStates)) continue;
      const inStart = Math.max(a, segment.start);
      const inEnd = Math.min(b, segment.end);
      tally.inAdherenceSeconds += inEnd - inStart;
      addToIntervals(inStart, inEnd, 'inAdherenceSeconds');
    }
  }
  return { agents: [...tallies.values()], intervals };
}

/** In adherence, in percent of scheduled, to 0.1; null when nothing was scheduled. */
export function adherencePercent(inAdherenceSeconds: number, scheduledSeconds: number): number | null {
  return scheduledSeconds > 0 ? Math.round((inAdherenceSeconds / scheduledSeconds) * 1000) / 10 : null;
}

export function agentAdherenceOf(tally: AdherenceTally, agentName: string): AgentAdherence {
  return {
    agentId: tally.agentId,
    agentName,
    scheduledSeconds: tally.scheduledSeconds,
    inAdherenceSeconds: tally.inAdherenceSeconds,
    outOfAdherenceMinutes: Math.floor((tally.scheduledSeconds - tally.inAdherenceSeconds) / 60),
    adherencePercent: adherencePercent(tally.inAdherenceSeconds, tally.scheduledSeconds),
  };
}

/** Worst first: lowest percentage, those with nothing scheduled yet last, then by name. */
export function worstFirst(a: AgentAdherence, b: AgentAdherence): number {
  const pa = a.adherencePercent ?? Infinity;
  const pb = b.adherencePercent ?? Infinity;
  return pa - pb || b.outOfAdherenceMinutes - a.outOfAdherenceMinutes || a.agentName.localeCompare(b.agentName);
}

/** An agent out of adherence now: since when, to which scheduled activity, in which state (null: none known). */
export interface OutOfAdherence {
  since: string;
  activity: string;
  state: AgentStateName | null;
  reasonCode: string | null;
}

interface Piece {
  start: number;
  end: number;
  out: boolean;
  activity: string;
  segment: Segment | undefined;
}

/**
 * The agent's current out-of-adherence stretch: scheduled seconds out of adherence, back to back, up to `now`
 * (across schedule lines and state changes); it is the episode an alert is about. Null when the agent is not
 * scheduled now, keeps to it now, or the stretch reaches back to `lookbackFrom` (its start is not in what was
 * read; it was alerted when it began). `schedule` and `states` are one agent's, covering [lookbackFrom, now].
 */
export function currentOutOfAdherence(schedule: readonly ScheduledActivity[], states: readonly StateLogEntry[], now: Date, lookbackFrom: Date, activityStates: ActivityStates): OutOfAdherence | null {
  const nowSecond = epochSecond(now);
  const floor = epochSecond(lookbackFrom);
  if (!schedule.some((line) => epochSecond(line.start) <= nowSecond && nowSecond < epochSecond(line.end))) return null;
  const segments = [...timelines(states, nowSecond).values()][0] ?? [];
  const pieces: Piece[] = [];
  for (const line of schedule) {
    const a = Math.max(epochSecond(line.start), floor);
    const b = Math.min(epochSecond(line.end), nowSecond);
    let cursor = a;
    for (let index = firstEndingAfter(segments, a); index < segments.length && segments[index]!.start < b; index += 1) {
      const segment = segments[index]!;
      // Before the agent's first entry no state is known: out of adherence.
      if (segment.start > cursor) pieces.push({ start: cursor, end: segment.start, out: true, activity: line.activity, segment: undefined });
      const end = Math.min(b, segment.end);
      pieces.push({ start: Math.max(cursor, segment.start), end, out: !keepsTo(line.activity, segment.state, segment.reasonCode, activityStates), activity: line.activity, segment });
      cursor = end;
    }
    if (cursor < b) pieces.push({ start: cursor, end: b, out: true, activity: line.activity, segment: undefined });
  }
  pieces.sort((x, y) => x.start - y.start);
  const latest = pieces.at(-1);
  if (!latest || latest.end !== nowSecond || !latest.out) return null;
  let since = latest.start;
  for (let index = pieces.length - 2; index >= 0 && pieces[index]!.out && pieces[index]!.end === since; index -= 1) since = pieces[index]!.start;
  if (since <= floor) return null;
  return { since: isoOfSecond(since), activity: latest.activity, state: latest.segment?.state ?? null, reasonCode: latest.segment?.reasonCode ?? null };
}
