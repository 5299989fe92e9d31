import type { AgentAdherence, ScheduledActivity, StateLogEntry } from '../domain/wfm.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { adherencePercent, agentAdherenceOf, tallyAdherence, worstFirst, type ActivityStates } from './adherence.js';
import type { AdherenceReports, IntervalAdherence } from './ports.js';

/**
 * Adherence over a span, from the published schedule and the state log (arithmetic in adherence.ts): per
 * agent scheduled in it, worst first, and per 15-minute interval (null where nobody was scheduled, or not yet).
 */
export function adherenceReports(deps: { unit: UnitOfWork; activityStates: ActivityStates; clock: () => Date }): AdherenceReports {
  async function read(from: Date, to: Date): Promise<{ schedule: ScheduledActivity[]; states: StateLogEntry[] }> {
    const repos = deps.unit.repos;
    const schedule = await repos.schedules.between(from.toISOString(), to.toISOString());
    if (schedule.length === 0) return { schedule, states: [] };
    const scheduled = new Set(schedule.map((line) => line.agentId));
    const states = (await repos.wfmLog.statesBetween(from.toISOString(), to.toISOString())).filter((entry) => scheduled.has(entry.agentId));
    return { schedule, states };
  }

  return {
    async agentAdherence(from: Date, to: Date): Promise<AgentAdherence[]> {
      const { schedule, states } = await read(from, to);
      if (schedule.length === 0) return [];
      const { agents } = tallyAdherence({ schedule, states, from, to, now: deps.clock(), activityStates: deps.activityStates });
      const names = new Map((await deps.unit.repos.agents.list()).map((agent) => [agent.id, agent.name]));
      return agents.map((tally) => agentAdherenceOf(tally, names.get(tally.agentId) ?? tally.agentId)).sort(worstFirst);
    },

    async intervalAdherence(from: Date, to: Date): Promise<IntervalAdherence[]> {
      const { schedule, states } = await read(from, to);
      const { intervals } = tallyAdherence({ schedule, states, from, to, now: deps.clock(), activityStates: deps.activityStates });
      return intervals.map((interval) => ({ start: interval.start, adherencePercent: adherencePercent(interval.inAdherenceSeconds, interval.scheduledSeconds) }));
    },
  };
}
