import type { AgentStateName } from '../domain/agentState.js';
import { INTERVAL_MS, type AgentIntervalRow, type ContactLogEntry, type Interval, type StateLogEntry, type StateSeconds } from '../domain/wfm.js';
import { agentContactContribution, factsOfLog } from './contactFacts.js';
import { clipToIntervals, intervalAt, intervalStarts } from './intervalMath.js';

/**
 * Agent activity (per agent, per 15 minutes): time in each state and reason code, and the contacts they
 * answered. An entry of the state log lasts until the agent's next entry by time (entries at the same instant:
 * the one appended later is the later one, so the earlier lasts 0); the agent's latest entry lasts until now,
 * and never past it. A span crossing intervals (and midnight) is split at each boundary. Milliseconds are kept;
 * the rows give seconds (ms / 1000, exact for times in whole seconds).
 */

/** Milliseconds one agent spent in one state and reason code within one interval. */
export interface AgentStateMs {
  intervalStart: number;
  agentId: string;
  state: AgentStateName;
  reasonCode: string | null;
  ms: number;
}

/** The contacts an agent answered within one interval, and their handle time. */
export interface AgentContacts {
  intervalStart: number;
  agentId: string;
  contacts: number;
  handleMs: number;
}

/** A state held over [start, end), split into its intervals. */
export function spanPieces(agentId: string, state: AgentStateName, reasonCode: string | null, start: number, end: number): AgentStateMs[] {
  return clipToIntervals(start, end).map((piece) => ({ intervalStart: piece.start, agentId, state, reasonCode, ms: piece.ms }));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Where a read puts agents' time and contacts, one (interval, agent, …) figure at a time: nothing kept in between. */
export interface AgentActivitySink {
  addStateMs(intervalStart: number, agentId: string, state: AgentStateName, reasonCode: string | null, ms: number): void;
  addContacts(intervalStart: number, agentId: string, contacts: number, handleMs: number): void;
}

/** A (state, reason code) as the rows give it: its column in the agents' figures, and its rank by state, then reason code (equal for null and ''). */
interface StateKey {
  state: AgentStateName;
  reasonCode: string | null;
  column: number;
  rank: number;
}

/**
 * One agent's figures per interval while they are added, in typed arrays: a day is ~50,000 (agent, interval)
 * cells, which as objects or arrays would each be made, copied by the collector while the read runs, and dropped.
 */
class AgentFigures {
  /** Per interval: whether the agent has a row (something was added). */
  readonly hasRow: Uint8Array;
  readonly contacts: Float64Array;
  readonly handleMs: Float64Array;
  /** Per interval: how many states its cell has. */
  readonly stateCount: Uint32Array;
  /** Per interval × state key column: the milliseconds, and when the key came in that cell (1 = first; 0 = never). */
  ms: Float64Array;
  cameAs: Uint32Array;
  columns: number;

  constructor(
    readonly agentId: string,
    readonly intervals: number,
    columns: number,
  ) {
    this.hasRow = new Uint8Array(intervals);
    this.contacts = new Float64Array(intervals);
    this.handleMs = new Float64Array(intervals);
    this.stateCount = new Uint32Array(intervals);
    // Room for the keys seen so far: most agents never widen.
    this.columns = columns;
    this.ms = new Float64Array(intervals * columns);
    this.cameAs = new Uint32Array(intervals * columns);
  }

  /** Room for `columns` state keys per interval (keys are few: this happens a handful of times per agent). */
  widen(columns: number): void {
    const ms = new Float64Array(this.intervals * columns);
    const cameAs = new Uint32Array(this.intervals * columns);
    for (let i = 0; i < this.intervals; i++) {
      ms.set(this.ms.subarray(i * this.columns, (i + 1) * this.columns), i * columns);
      cameAs.set(this.cameAs.subarray(i * this.columns, (i + 1) * this.columns), i * columns);
    }
    this.ms = ms;
    this.cameAs = cameAs;
    this.columns = columns;
  }
}

/**
 * Sums agents' time and contacts per interval of [from, to) as they are added, and gives the rows once at the
 * end. A busy day is ~200,000 pieces into ~50,000 rows: nothing is kept per piece, the figures are summed in
 * milliseconds (in typed arrays) and each row's objects are made once (seconds = ms / 1000), its states in order;
 * the agents are sorted once for every interval.
 */
export class AgentActivityTally implements AgentActivitySink {
  private readonly starts: number[];
  private readonly figuresOf = new Map<string, AgentFigures>();
  /** Per state, per reason code: the keys seen (a handful). */
  private readonly keysOf = new Map<AgentStateName, Map<string | null, StateKey>>();
  private readonly keys: StateKey[] = [];
  // Reads give an agent's figures together, and the same few keys over and over: the last ones are kept at hand.
  private lastFigures: AgentFigures | undefined;
  private lastKey: StateKey | undefined;

  constructor(range: { from: number; to: number }) {
    this.starts = intervalStarts(range.from, range.to);
  }

  addStateMs(intervalStart: number, agentId: string, state: AgentStateName, reasonCode: string | null, ms: number): void {
    if (ms <= 0) return;
    const i = this.intervalIndex(intervalStart);
    if (i < 0) return;
    const key = this.keyOf(state, reasonCode);
    const figures = this.figures(agentId);
    if (key.column >= figures.columns) figures.widen(this.keys.length);
    const at = i * figures.columns + key.column;
    if (figures.cameAs[at] === 0) figures.cameAs[at] = ++figures.stateCount[i]!;
    figures.ms[at] = figures.ms[at]! + ms;
    figures.hasRow[i] = 1;
  }

  addContacts(intervalStart: number, agentId: string, contacts: number, handleMs: number): void {
    if (contacts <= 0) return;
    const i = this.intervalIndex(intervalStart);
    if (i < 0) return;
    const figures = this.figures(agentId);
    figures.contacts[i] = figures.contacts[i]! + contacts;
    figures.handleMs[i] = figures.handleMs[i]! + handleMs;
    figures.hasRow[i] = 1;
  }

  /** The agents with anything in the range. */
  agentIds(): string[] {
    return [...this.figuresOf.keys()];
  }

  /**
   * Every interval with its rows, by agent name then id (an agent not in `names` goes by their id), [] when nobody
   * had any; a row's states by state, then reason code (those equal so, as they came).
   */
  intervals(names: ReadonlyMap<string, string>, zone: string): Interval<AgentIntervalRow>[] {
    const ranked = this.rankedKeys();
    const agents = [...this.figuresOf.values()].map((figures) => ({ figures, agentName: names.get(figures.agentId) ?? figures.agentId }));
    agents.sort((a, b) => compareText(a.agentName, b.agentName) || compareText(a.figures.agentId, b.figures.agentId));
    return this.starts.map((start, i) => {
      const rows: AgentIntervalRow[] = [];
      for (const { figures, agentName } of agents) {
        if (figures.hasRow[i])
          rows.push({ agentId: figures.agentId, agentName, states: statesOf(figures, i, ranked), contactsHandled: figures.contacts[i]!, handleTimeSeconds: figures.handleMs[i]! / 1000 });
      }
      return { ...intervalAt(start, zone), rows };
    });
  }

  /** The interval `intervalStart` starts, by index; -1 when it is not one of the range's. */
  private intervalIndex(intervalStart: number): number {
    const i = (intervalStart - this.starts[0]!) / INTERVAL_MS;
    return Number.isInteger(i) && i >= 0 && i < this.starts.length ? i : -1;
  }

  private figures(agentId: string): AgentFigures {
    if (this.lastFigures?.agentId === agentId) return this.lastFigures;
    let figures = this.figuresOf.get(agentId);
    if (!figures) this.figuresOf.set(agentId, (figures = new AgentFigures(agentId, this.starts.length, this.keys.length)));
    return (this.lastFigures = figures);
  }

  private keyOf(state: AgentStateName, reasonCode: string | null): StateKey {
    const last = this.lastKey;
    if (last && last.state === state && last.reasonCode === reasonCode) return last;
    let ofState = this.keysOf.get(state);
    if (!ofState) this.keysOf.set(state, (ofState = new Map()));
    let key = ofState.get(reasonCode);
    if (!key) {
      ofState.set(reasonCode, (key = { state, reasonCode, column: this.keys.length, rank: 0 }));
      this.keys.push(key);
    }
    return (this.lastKey = key);
  }

  /** The keys by rank (state, then reason code), those of equal rank together. */
  private rankedKeys(): StateKey[] {
    const order = (a: StateKey, b: StateKey) => compareText(a.state, b.state) || compareText(a.reasonCode ?? '', b.reasonCode ?? '');
    const ranked = [...this.keys].sort(order);
    ranked.forEach((key, i) => (key.rank = i > 0 && order(ranked[i - 1]!, key) === 0 ? ranked[i - 1]!.rank : i));
    return ranked;
  }
}

/** An agent's states in interval `i`, by rank; those of equal rank (null and '' reason codes) as they came in that interval. */
function statesOf(figures: AgentFigures, i: number, ranked: readonly StateKey[]): StateSeconds[] {
  const states: StateSeconds[] = [];
  const row = i * figures.columns;
  for (let k = 0; k < ranked.length; k++) {
    const key = ranked[k]!;
    if (key.column >= figures.columns || figures.cameAs[row + key.column] === 0) continue;
    // Another key of the same rank that came earlier in this cell goes first: find where this one belongs among them.
    let at = states.length;
    const cameAs = figures.cameAs[row + key.column]!;
    for (let j = k - 1; j >= 0 && ranked[j]!.rank === key.rank; j--) {
      const other = ranked[j]!;
      if (other.column < figures.columns && figures.cameAs[row + other.column]! > cameAs) at--;
    }
    const state = { state: key.state, reasonCode: key.reasonCode, seconds: figures.ms[row + key.column]! / 1000 };
    if (at === states.length) states.push(state);
    else states.splice(at, 0, state);
  }
  return states;
}

/**
 * Every interval of [from, to), each with a row per agent who spent time in a state or answered a contact in it
 * (by name, then id; states by state, then reason code), [] when nobody did.
 */
export function agentActivityFrom(
  stateMs: Iterable<AgentStateMs>,
  contacts: Iterable<AgentContacts>,
  names: ReadonlyMap<string, string>,
  range: { from: number; to: number; zone: string },
): Interval<AgentIntervalRow>[] {
  const tally = new AgentActivityTally(range);
  for (const s of stateMs) tally.addStateMs(s.intervalStart, s.agentId, s.state, s.reasonCode, s.ms);
  for (const c of contacts) tally.addContacts(c.intervalStart, c.agentId, c.contacts, c.handleMs);
  return tally.intervals(names, range.zone);
}

/**
 * The reference: agent activity of [from, to) computed from the state and contact logs, entries in the order
 * they were appended, with nothing kept in between.
 */
export function agentActivityOfLog(
  states: readonly StateLogEntry[],
  contactEntries: readonly ContactLogEntry[],
  options: { from: number; to: number; zone: string; now: number; names: ReadonlyMap<string, string> },
): Interval<AgentIntervalRow>[] {
  const byAgent = new Map<string, StateLogEntry[]>();
  for (const entry of states) byAgent.set(entry.agentId, [...(byAgent.get(entry.agentId) ?? []), entry]);
  const pieces: AgentStateMs[] = [];
  for (const [agentId, entries] of byAgent) {
    // A stable sort: entries at the same instant keep the order they were appended in.
    const ordered = [...entries].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    ordered.forEach((entry, i) => {
      const start = Date.parse(entry.startedAt);
      const next = ordered[i + 1];
      const end = next ? Date.parse(next.startedAt) : Math.max(start, options.now);
      pieces.push(...spanPieces(agentId, entry.state, entry.reasonCode, Math.max(start, options.from), Math.min(end, options.to)));
    });
  }
  const contacts: AgentContacts[] = [];
  for (const facts of factsOfLog(contactEntries).values()) {
    const c = agentContactContribution(facts);
    if (c) contacts.push(c);
  }
  return agentActivityFrom(pieces, contacts, options.names, options);
}
