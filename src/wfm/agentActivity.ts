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

/** A (state, reason code) as the rows give it; `rank` orders keys by state, then reason code (equal for null and ''). */
interface StateKey {
  state: AgentStateName;
  reasonCode: string | null;
  rank: number;
}

/**
 * One agent's figures in one interval while they are added: [contacts, handle ms, then a state key and its ms for
 * each state, in the order they came]. Numbers and keys in one array, not an object each: a day is ~50,000 cells.
 */
type Cell = Array<number | StateKey>;
const CONTACTS = 0;
const HANDLE_MS = 1;
const FIRST_STATE = 2;

/**
 * Sums agents' time and contacts per interval of [from, to) as they are added, and gives the rows once at the
 * end. A busy day is ~200,000 pieces into ~50,000 rows: nothing is kept per piece, the figures are summed in
 * milliseconds and each row's objects are made once (seconds = ms / 1000), with its states in order; the agents
 * are sorted once for every interval.
 */
export class AgentActivityTally implements AgentActivitySink {
  private readonly starts: number[];
  /** Per agent, their cell of each interval (by index), made when they first have something in it. */
  private readonly cellsOf = new Map<string, Array<Cell | undefined>>();
  /** Per state, per reason code: the keys seen (a handful). */
  private readonly keys = new Map<AgentStateName, Map<string | null, StateKey>>();

  constructor(range: { from: number; to: number }) {
    this.starts = intervalStarts(range.from, range.to);
  }

  addStateMs(intervalStart: number, agentId: string, state: AgentStateName, reasonCode: string | null, ms: number): void {
    if (ms <= 0) return;
    const cell = this.cellAt(intervalStart, agentId);
    if (!cell) return;
    const key = this.keyOf(state, reasonCode);
    for (let k = FIRST_STATE; k < cell.length; k += 2) {
      if (cell[k] === key) {
        (cell[k + 1] as number) += ms;
        return;
      }
    }
    cell.push(key, ms);
  }

  addContacts(intervalStart: number, agentId: string, contacts: number, handleMs: number): void {
    if (contacts <= 0) return;
    const cell = this.cellAt(intervalStart, agentId);
    if (!cell) return;
    (cell[CONTACTS] as number) += contacts;
    (cell[HANDLE_MS] as number) += handleMs;
  }

  /** The agents with anything in the range. */
  agentIds(): string[] {
    return [...this.cellsOf.keys()];
  }

  /**
   * Every interval with its rows, by agent name then id (an agent not in `names` goes by their id), [] when nobody
   * had any; a row's states by state, then reason code (those equal so, as they came).
   */
  intervals(names: ReadonlyMap<string, string>, zone: string): Interval<AgentIntervalRow>[] {
    this.rankKeys();
    const agents = [...this.cellsOf].map(([agentId, cells]) => ({ agentId, agentName: names.get(agentId) ?? agentId, cells }));
    agents.sort((a, b) => compareText(a.agentName, b.agentName) || compareText(a.agentId, b.agentId));
    return this.starts.map((start, i) => {
      const rows: AgentIntervalRow[] = [];
      for (const { agentId, agentName, cells } of agents) {
        const cell = cells[i];
        if (cell) rows.push({ agentId, agentName, states: statesOf(cell), contactsHandled: cell[CONTACTS] as number, handleTimeSeconds: (cell[HANDLE_MS] as number) / 1000 });
      }
      return { ...intervalAt(start, zone), rows };
    });
  }

  private cellAt(intervalStart: number, agentId: string): Cell | undefined {
    const i = (intervalStart - this.starts[0]!) / INTERVAL_MS;
    if (!Number.isInteger(i) || i < 0 || i >= this.starts.length) return undefined;
    let cells = this.cellsOf.get(agentId);
    if (!cells) this.cellsOf.set(agentId, (cells = new Array<Cell | undefined>(this.starts.length)));
    return (cells[i] ??= [0, 0]);
  }

  private keyOf(state: AgentStateName, reasonCode: string | null): StateKey {
    let ofState = this.keys.get(state);
    if (!ofState) this.keys.set(state, (ofState = new Map()));
    let key = ofState.get(reasonCode);
    if (!key) ofState.set(reasonCode, (key = { state, reasonCode, rank: 0 }));
    return key;
  }

  private rankKeys(): void {
    const keys = [...this.keys.values()].flatMap((ofState) => [...ofState.values()]);
    const order = (a: StateKey, b: StateKey) => compareText(a.state, b.state) || compareText(a.reasonCode ?? '', b.reasonCode ?? '');
    keys.sort(order);
    keys.forEach((key, i) => (key.rank = i > 0 && order(keys[i - 1]!, key) === 0 ? keys[i - 1]!.rank : i));
  }
}

/** A cell's states by rank, those of equal rank as they came: a stable insertion sort of its handful of pairs, in place. */
function statesOf(cell: Cell): StateSeconds[] {
  for (let k = FIRST_STATE + 2; k < cell.length; k += 2) {
    const key = cell[k] as StateKey;
    const ms = cell[k + 1]!;
    let at = k;
    for (; at > FIRST_STATE && (cell[at - 2] as StateKey).rank > key.rank; at -= 2) {
      cell[at] = cell[at - 2]!;
      cell[at + 1] = cell[at - 1]!;
    }
    cell[at] = key;
    cell[at + 1] = ms;
  }
  const states: StateSeconds[] = [];
  for (let k = FIRST_STATE; k < cell.length; k += 2) {
    const key = cell[k] as StateKey;
    states.push({ state: key.state, reasonCode: key.reasonCode, seconds: (cell[k + 1] as number) / 1000 });
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
