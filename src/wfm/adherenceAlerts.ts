import type { Logger } from 'pino';
import type { Agent, AgentStateName } from '../domain/agentState.js';
import { PollingLoop } from '../jobs/pollingLoop.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { currentOutOfAdherence, keepsTo } from './adherence.js';
import { clockTime } from './adherenceTime.js';
import type { WfmConfig } from './wfmConfig.js';

/**
 * Real-time adherence alerts to supervisors (issue 15). Every 30 s: agents out of adherence for at least
 * WFM_ALERT_OUT_OF_ADHERENCE_MINUTES, and agents in a state longer than WFM_ALERT_STATE_MINUTES gives it
 * (agents.state_since), raise one alert per agent per episode. An episode is the state entry (its start) or
 * the out-of-adherence stretch (its start), so it never alerts twice, even after a restart or from a second
 * instance: the alert's row (agent, kind, episode start) is claimed first and only the claim's winner sends.
 * At most WFM_ALERT_MAX_PER_HOUR alerts go out in any hour; past it the alert is skipped (it is sent on a
 * later round if the episode is still on and the hour allows), and a warning is logged once.
 * Alerts are at most once: a claimed alert whose sending fails is not retried.
 */
export const ALERT_POLL_MS = 30_000;
/** How far back an out-of-adherence stretch is traced; one older than this was alerted when it began. */
const LOOKBACK_MS = 24 * 3_600_000;

export interface AdherenceAlertsDeps {
  unit: UnitOfWork;
  config: Pick<WfmConfig, 'siteTimeZone' | 'activityStates' | 'alertOutOfAdherenceMinutes' | 'alertStateMinutes' | 'alertMaxPerHour'>;
  supervisorIds: readonly string[];
  /** Sends a supervisor a proactive text (src/teams/proactiveText.ts: nothing for one who never talked to the bot). */
  tell: (supervisorId: string, text: string) => Promise<void>;
  logger: Pick<Logger, 'warn' | 'error'>;
  clock: () => Date;
  pollMs?: number;
}

interface Alert {
  agentId: string;
  kind: string;
  episodeStartedAt: string;
  text: string;
}

export class AdherenceAlerts {
  private readonly loop: PollingLoop;
  private overLimitWarned = false;

  constructor(private readonly deps: AdherenceAlertsDeps) {
    this.loop = new PollingLoop({ run: () => this.check(), pollMs: deps.pollMs ?? ALERT_POLL_MS, onError: (error) => deps.logger.error({ err: error }, 'adherence alerts loop failed') });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round: finds the alerts due and sends those this instance claims. Returns how many it sent. */
  async check(): Promise<number> {
    if (this.deps.supervisorIds.length === 0) return 0;
    const now = this.deps.clock();
    const agents = await this.deps.unit.repos.agents.list();
    const due = [...this.stateAlerts(agents, now), ...(await this.adherenceAlerts(agents, now))];
    let sent = 0;
    for (const alert of due) {
      if (this.loop.stopped) break;
      const claim = await this.deps.unit.run((repos) => repos.wfmAlerts.claim(alert, now, this.deps.config.alertMaxPerHour));
      if (claim === 'overLimit') {
        if (!this.overLimitWarned) this.deps.logger.warn({ maxPerHour: this.deps.config.alertMaxPerHour }, 'adherence alerts: the hourly limit is reached, further alerts are skipped');
        this.overLimitWarned = true;
        continue;
      }
      if (claim !== 'claimed') continue;
      this.overLimitWarned = false;
      sent += 1;
      for (const supervisorId of this.deps.supervisorIds) {
        await this.deps.tell(supervisorId, alert.text).catch((error: unknown) => this.deps.logger.error({ err: error, kind: alert.kind }, 'adherence alert: a supervisor could not be told'));
      }
    }
    return sent;
  }

  private stateAlerts(agents: readonly Agent[], now: Date): Alert[] {
    const zone = this.deps.config.siteTimeZone;
    return agents.flatMap((agent) => {
      const limit = this.deps.config.alertStateMinutes.get(agent.state);
      const minutes = Math.floor((now.getTime() - Date.parse(agent.stateSince)) / 60_000);
      if (limit === undefined || !(minutes >= limit)) return [];
      const text = `${agent.name} has been ${stateWords(agent.state, agent.reasonCode)} for ${minutes} min (since ${clockTime(new Date(agent.stateSince), zone)} ${zone}).`;
      return [{ agentId: agent.id, kind: `state:${agent.state}`, episodeStartedAt: agent.stateSince, text }];
    });
  }

  private async adherenceAlerts(agents: readonly Agent[], now: Date): Promise<Alert[]> {
    const { unit, config } = this.deps;
    const until = new Date(now.getTime() + 1).toISOString();
    const scheduledNow = await unit.repos.schedules.between(now.toISOString(), until);
    const byId = new Map(agents.map((agent) => [agent.id, agent]));
    const alerts: Alert[] = [];
    for (const line of scheduledNow) {
      const agent = byId.get(line.agentId);
      // Only agents out of adherence by their current state are traced back through the log.
      if (!agent || keepsTo(line.activity, agent.state, agent.reasonCode, config.activityStates)) continue;
      const lookbackFrom = new Date(now.getTime() - LOOKBACK_MS);
      const schedule = await unit.repos.schedules.ofAgent(agent.id, lookbackFrom.toISOString(), until);
      const states = await unit.repos.wfmAlerts.statesOfAgent(agent.id, lookbackFrom.toISOString(), until);
      const out = currentOutOfAdherence(schedule, states, now, lookbackFrom, config.activityStates);
      if (!out) continue;
      const minutes = Math.floor((now.getTime() - Date.parse(out.since)) / 60_000);
      if (minutes < config.alertOutOfAdherenceMinutes) continue;
      const doing = out.state ? `is ${stateWords(out.state, out.reasonCode)}` : 'has no state on record';
      alerts.push({ agentId: agent.id, kind: 'adherence', episodeStartedAt: out.since, text: `${agent.name} has been out of adherence for ${minutes} min: scheduled ${out.activity}, ${doing}.` });
    }
    return alerts;
  }
}

/** "in After Call Work", "Unavailable (Lunch)": a state as a supervisor reads it after "has been" or "is". */
function stateWords(state: AgentStateName, reasonCode: string | null): string {
  if (state === 'ACW') return 'in After Call Work';
  if (state === 'Working') return 'on a contact';
  return reasonCode ? `${state} (${reasonCode})` : state;
}
