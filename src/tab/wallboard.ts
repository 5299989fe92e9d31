import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { QueueSnapshot } from '../agents/agentStatus.js';
import type { AgentStateName } from '../domain/agentState.js';
import { digitalTotal } from '../domain/digital.js';
import type { Channel, InteractionState } from '../domain/interaction.js';
import { INTERVAL_MS, type SkillIntervalRow } from '../domain/wfm.js';
import type { IntervalReports } from '../wfm/ports.js';

/** One agent on the wallboard. */
export interface WallboardAgent {
  id: string;
  name: string;
  state: AgentStateName;
  reasonCode: string | null;
  /** "Unavailable: Lunch": the state in words, never only a colour. */
  stateLabel: string;
  since: string;
  secondsInState: number;
  interaction: { channel: Channel; state: InteractionState } | null;
  customer: string | null;
  /** Open digital conversations. */
  digital: number;
}

/** The current 15-minute interval so far, by skill and channel, and all skills together. */
export interface WallboardInterval {
  start: string;
  end: string;
  rows: SkillIntervalRow[];
  totals: { offered: number; handled: number; abandoned: number; serviceLevelPercent: number | null };
}

/** What the supervisors' wallboard shows: every agent, the queues, and the interval so far. */
export interface WallboardView {
  asOf: string;
  agents: WallboardAgent[];
  queues: QueueSnapshot;
  /** null when the interval figures cannot be read (no interval reports here, or they failed: `intervalProblem` says). */
  interval: WallboardInterval | null;
  intervalProblem: string | null;
}

export interface WallboardDeps {
  agents: Pick<AgentService, 'status' | 'queues'>;
  /** The workforce interval reports (src/wfm); absent: the wallboard shows states and queues only. */
  intervals?: Pick<IntervalReports, 'skillIntervals'>;
  clock: () => Date;
  logger: Logger;
}

/** The wallboard as a supervisor sees it now (the agent service refuses anyone else). */
export async function wallboardView(deps: WallboardDeps, supervisorId: string): Promise<WallboardView> {
  const now = deps.clock();
  const [rows, queues, interval] = await Promise.all([deps.agents.status(supervisorId), deps.agents.queues(supervisorId), currentInterval(deps, now)]);
  return {
    asOf: now.toISOString(),
    agents: rows.map((row) => ({
      id: row.agent.id,
      name: row.agent.name,
      state: row.agent.state,
      reasonCode: row.agent.reasonCode,
      stateLabel: row.stateLabel,
      since: row.agent.stateSince,
      secondsInState: row.secondsInState,
      interaction: row.interaction ? { channel: row.interaction.channel, state: row.interaction.state } : null,
      customer: row.customer,
      digital: row.digital ? digitalTotal(row.digital) : 0,
    })),
    queues,
    ...interval,
  };
}

async function currentInterval(deps: WallboardDeps, now: Date): Promise<{ interval: WallboardInterval | null; intervalProblem: string | null }> {
  if (!deps.intervals) return { interval: null, intervalProblem: 'Interval figures are not available on this server.' };
  const start = new Date(Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS);
  const end = new Date(start.getTime() + INTERVAL_MS);
  try {
    const [found] = await deps.intervals.skillIntervals(start, end);
    return { interval: intervalOf(start, end, found?.rows ?? []), intervalProblem: null };
  } catch (error) {
    deps.logger.warn({ err: error, start: start.toISOString() }, 'the wallboard could not read the current interval');
    return { interval: null, intervalProblem: 'The interval figures could not be read just now.' };
  }
}

/** All skills together: the service level weighted by what each offered (each row's percent is of its own offers). */
export function intervalOf(start: Date, end: Date, rows: SkillIntervalRow[]): WallboardInterval {
  const sum = (pick: (row: SkillIntervalRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const offered = sum((r) => r.offered);
  const withinThreshold = sum((r) => ((r.serviceLevelPercent ?? 0) * r.offered) / 100);
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    rows,
    totals: {
      offered,
      handled: sum((r) => r.handled),
      abandoned: sum((r) => r.abandoned),
      serviceLevelPercent: offered ? Math.round((withinThreshold / offered) * 1000) / 10 : null,
    },
  };
}
