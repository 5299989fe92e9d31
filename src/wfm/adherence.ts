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

/** One agent's state entries as back-to-back segments: segment i is entries[i] from starts[i] to ends[i] (seconds). */
interface Timeline {
  starts: Float64Array;
  ends: Float64Array;
  entries: StateLogEntry[];
}

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
  return adherenceRule(activityStates)(activity, state, reasonCode);
}

type Rule = (activity: string, state: AgentStateName, reasonCode: string | null) => boolean;

/** keepsTo with the map read once: what a tally over many state entries asks. */
export function adherenceRule(activityStates: ActivityStates): Rule {
  const parse = (entry: string) => {
    const colon = entry.indexOf(':');
    return colon < 0 ? { state: entry, reason: undefined } : { state: entry.slice(0, colon), reason: entry.slice(colon + 1).toLowerCase() };
  };
  const byName = new Map([...activityStates].map(([name, allowed]) => [name.toLowerCase(), allowed.map(parse)]));
  return (activity, state, reasonCode) => {
    const name = activity.toLowerCase();
    const allowed = byName.get(name) ?? [{ state: 'Unavailable', reason: name }];
    const reason = reasonCode?.toLowerCase() ?? null;
    return allowed.some((entry) => entry.state === state && (entry.reason === undefined || entry.reason === reason));
  };
}

/**
 * Each agent's timeline, the latest entry up to `nowSecond`; entries of no length (a later one in the same
 * second) are dropped. Typed arrays, not an object per entry: a day of a large site is millions of entries.
 */
function timelines(states: readonly StateLogEntry[], nowSecond: number): Map<string, Timeline> {
  const count = states.length;
  const ms = new Float64Array(count);
  for (let index = 0; index < count; index += 1) ms[index] = Date.parse(states[index]!.startedAt);
  const before = (a: number, b: number) => {
    const agentA = states[a]!.agentId;
    const agentB = states[b]!.agentId;
    return agentA < agentB ? -1 : agentA > agentB ? 1 : ms[a]! - ms[b]! || a - b;
  };
  // The log is read in order already; sorting is for a caller that gives it otherwise (equal times keep their order).
  let order: number[] | undefined;
  for (let index = 1; index < count && !order; index += 1) if (before(index - 1, index) > 0) order = Array.from({ length: count }, (_, i) => i).sort(before);
  const at = (k: number) => (order ? order[k]! : k);
  const byAgent = new Map<string, Timeline>();
  for (let first = 0; first < count;) {
    const agentId = states[at(first)]!.agentId;
    let last = first;
    while (last < count && states[at(last)]!.agentId === agentId) last += 1;
    const timeline: Timeline = { starts: new Float64Array(last - first), ends: new Float64Array(last - first), entries: [] };
    for (let k = first; k < last; k += 1) {
      const start = Math.floor(ms[at(k)]! / 1000);
      const end = Math.min(k + 1 < last ? Math.floor(ms[at(k + 1)]! / 1000) : nowSecond, nowSecond);
      if (end <= start) continue;
      timeline.starts[timeline.entries.length] = start;
      timeline.ends[timeline.entries.length] = end;
      timeline.entries.push(states[at(k)]!);
    }
    const length = timeline.entries.length;
    if (length > 0) byAgent.set(agentId, { starts: timeline.starts.subarray(0, length), ends: timeline.ends.subarray(0, length), entries: timeline.entries });
    first = last;
  }
  return byAgent;
}

const EMPTY: Timeline = { starts: new Float64Array(0), ends: new Float64Array(0), entries: [] };

/** The first segment ending after `second` (segments are sorted and do not overlap). */
function firstEndingAfter(timeline: Timeline, second: number): number {
  let low = 0;
  let high = timeline.entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (timeline.ends[mid]! <= second) low = mid + 1;
    else high = mid;
  }
  return low;
}

function segmentOf(timeline: Timeline, index: number): Segment {
  const entry = timeline.entries[index]!;
  return { start: timeline.starts[index]!, end: timeline.ends[index]!, state: entry.state, reasonCode: entry.reasonCode };
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
  const keeps = adherenceRule(input.activityStates);
  const tallies = new Map<string, AdherenceTally>();
  for (const entry of input.schedule) {
    const a = Math.max(epochSecond(entry.start), from);
    const b = Math.min(epochSecond(entry.end), until);
    let tally = tallies.get(entry.agentId);
    if (!tally) tallies.set(entry.agentId, (tally = { agentId: entry.agentId, scheduledSeconds: 0, inAdherenceSeconds: 0 }));
    if (b <= a) continue;
    tally.scheduledSeconds += b - a;
    addToIntervals(a, b, 'scheduledSeconds');
    const timeline = lines.get(entry.agentId) ?? EMPTY;
    for (let index = firstEndingAfter(timeline, a); index < timeline.entries.length && timeline.starts[index]! < b; index += 1) {
      const state = timeline.entries[index]!;
      if (!keeps(entry.activity, state.state, state.reasonCode)) continue;
      const inStart = Math.max(a, timeline.starts[index]!);
      const inEnd = Math.min(b, timeline.ends[index]!);
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
  const timeline = [...timelines(states, nowSecond).values()][0] ?? EMPTY;
  const keeps = adherenceRule(activityStates);
  const pieces: Piece[] = [];
  for (const line of schedule) {
    const a = Math.max(epochSecond(line.start), floor);
    const b = Math.min(epochSecond(line.end), nowSecond);
    let cursor = a;
    for (let index = firstEndingAfter(timeline, a); index < timeline.entries.length && timeline.starts[index]! < b; index += 1) {
      const segment = segmentOf(timeline, index);
      // Before the agent's first entry no state is known: out of adherence.
      if (segment.start > cursor) pieces.push({ start: cursor, end: segment.start, out: true, activity: line.activity, segment: undefined });
      const end = Math.min(b, segment.end);
      pieces.push({ start: Math.max(cursor, segment.start), end, out: !keeps(line.activity, segment.state, segment.reasonCode), activity: line.activity, segment });
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
