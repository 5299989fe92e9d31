import { distribution, round } from '../lib/stats.js';
import type { FieldEditResult } from './fieldEdits.js';
import type { TrialResult } from './trial.js';

export const GOALS = { takeoverSeconds: 15 };

/** One backend's kill trials, added up. */
export interface BackendSummary {
  backend: 'sqlite' | 'postgres';
  processes: number;
  trials: number;
  completedInteractions: number;
  pairs: number;
  lost: number;
  doubled: number;
  records: number;
  stale: number;
  trialsWithStale: number;
  ambiguousOrder: number;
  jobsDead: number;
  /** Trials whose jobs were not all done within the settle bound. */
  unsettled: number;
  /** Trials in which the killed process held leased jobs; their takeover times (s). */
  trialsWithOrphans: number;
  takeover: { p50: number | null; max: number | null; notTakenOver: number };
  restartSeconds: { p50: number; max: number };
  stepFailures: number;
  examples: string[];
}

export function summarize(backend: 'sqlite' | 'postgres', trials: TrialResult[]): BackendSummary {
  const sum = (f: (t: TrialResult) => number) => trials.reduce((a, t) => a + f(t), 0);
  const times = trials.filter((t) => t.takeover.orphaned > 0 && t.takeover.ms !== null).map((t) => t.takeover.ms! / 1000);
  const taken = distribution(times);
  const restarts = distribution(trials.map((t) => t.restartMs / 1000));
  return {
    backend,
    processes: trials[0]?.processes ?? 0,
    trials: trials.length,
    completedInteractions: sum((t) => t.writes.completedInteractions),
    pairs: sum((t) => t.writes.pairs),
    lost: sum((t) => t.writes.lost),
    doubled: sum((t) => t.writes.doubled),
    records: sum((t) => t.writes.records),
    stale: sum((t) => t.writes.stale),
    trialsWithStale: trials.filter((t) => t.writes.stale > 0).length,
    ambiguousOrder: sum((t) => t.writes.ambiguousOrder),
    jobsDead: sum((t) => t.writes.jobsDead),
    unsettled: trials.filter((t) => !t.settled).length,
    trialsWithOrphans: trials.filter((t) => t.takeover.orphaned > 0).length,
    takeover: { p50: times.length ? round(taken.p50, 1) : null, max: times.length ? round(taken.max, 1) : null, notTakenOver: sum((t) => t.takeover.notTakenOver) },
    restartSeconds: { p50: round(restarts.p50, 1), max: round(restarts.max, 1) },
    stepFailures: sum((t) => t.stepFailures),
    examples: trials.flatMap((t) => t.writes.examples.map((e) => `trial ${t.trial + 1}: ${e}`)).slice(0, 8),
  };
}

/** Whether a backend's figures meet the goals: 0 lost, 0 doubled, 0 stale, takeover ≤ 15 s, all settled. */
export function verdicts(s: BackendSummary): { writes: boolean; stale: boolean; takeover: boolean } {
  return {
    writes: s.lost === 0 && s.doubled === 0 && s.unsettled === 0,
    stale: s.stale === 0,
    // Met only when measured: a run in which the killed process never held a job shows nothing.
    takeover: s.trialsWithOrphans > 0 && s.takeover.notTakenOver === 0 && s.unsettled === 0 && s.takeover.max !== null && s.takeover.max <= GOALS.takeoverSeconds,
  };
}

export function editsLost(e: FieldEditResult): number {
  return e.editLost + e.memorializationLost + 2 * e.bothLost;
}
