import type { AgentStateName } from '../domain/agentState.js';
import type { AgentIntervalRow, ContactLogEntry, Interval, StateLogEntry } from '../domain/wfm.js';
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

/**
 * Every interval of [from, to), each with a row per agent who spent time in a state or answered a contact in it
 * (by name, then id; states by state, then reason code), [] when nobody did. A busy day is ~200,000 pieces: they
 * are summed into the rows' own objects (milliseconds first, made seconds once at the end), nothing in between.
 */
export function agentActivityFrom(
  stateMs: Iterable<AgentStateMs>,
  contacts: Iterable<AgentContacts>,
  names: ReadonlyMap<string, string>,
  range: { from: number; to: number; zone: string },
): Interval<AgentIntervalRow>[] {
  const starts = intervalStarts(range.from, range.to);
  const slot = new Map(starts.map((start, i) => [start, i]));
  const rows = starts.map(() => new Map<string, AgentIntervalRow>());
  const rowOf = (i: number, agentId: string) => {
    let row = rows[i]!.get(agentId);
    // Until the end, `seconds` and `handleTimeSeconds` hold milliseconds.
    if (!row) rows[i]!.set(agentId, (row = { agentId, agentName: names.get(agentId) ?? agentId, states: [], contactsHandled: 0, handleTimeSeconds: 0 }));
    return row;
  };
  for (const s of stateMs) {
    const i = slot.get(s.intervalStart);
    if (s.ms <= 0 || i === undefined) continue;
    const states = rowOf(i, s.agentId).states;
    let k = 0;
    while (k < states.length && (states[k]!.state !== s.state || states[k]!.reasonCode !== s.reasonCode)) k++;
    if (k < states.length) states[k]!.seconds += s.ms;
    else states.push({ state: s.state, reasonCode: s.reasonCode, seconds: s.ms });
  }
  for (const c of contacts) {
    const i = slot.get(c.intervalStart);
    if (c.contacts <= 0 || i === undefined) continue;
    const row = rowOf(i, c.agentId);
    row.contactsHandled += c.contacts;
    row.handleTimeSeconds += c.handleMs;
  }
  return starts.map((start, i) => {
    const ofInterval = [...rows[i]!.values()];
    for (const row of ofInterval) {
      row.handleTimeSeconds /= 1000;
      for (const state of row.states) state.seconds /= 1000;
      row.states.sort((a, b) => compareText(a.state, b.state) || compareText(a.reasonCode ?? '', b.reasonCode ?? ''));
    }
    return { ...intervalAt(start, range.zone), rows: ofInterval.sort((a, b) => compareText(a.agentName, b.agentName) || compareText(a.agentId, b.agentId)) };
  });
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
