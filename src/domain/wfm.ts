import type { AgentStateName } from './agentState.js';
import type { Channel } from './interaction.js';

/**
 * Workforce data (seed 003, issue 15): what the ACD side of WFM reads. Two append-only logs are the record
 * (the agents' states and the contacts' steps); interval reports, agent activity and adherence are computed
 * from them, so a late or repeated event changes a report only by what it says.
 */

/** Who said an agent entered a state: the agent in Teams or the tab, an ACD, the local simulator, or the app itself (routing a call, ACW). */
export type StateSource = 'teams' | 'acd' | 'simulator' | 'app';

/** One entry of the state log: the agent entered `state` at `startedAt`; it lasts until their next entry by time. */
export interface StateLogEntry {
  agentId: string;
  state: AgentStateName;
  reasonCode: string | null;
  startedAt: string;
  interactionId: string | null;
  source: StateSource;
  /** The ACD event it came from ("<source>:<event id>"): recorded once however often the ACD sends it. */
  eventKey?: string | null;
}

export const CONTACT_STEPS = ['offered', 'answered', 'ended', 'acwCompleted', 'abandoned', 'transferred'] as const;
export type ContactStep = (typeof CONTACT_STEPS)[number];

/** One step of one contact, at the time its source gave. */
export interface ContactLogEntry {
  /** "acd:<source>:<contact id>" for an ACD's contact, "interaction:<id>" for one the app routed itself (the simulator, digital threads). */
  contactKey: string;
  step: ContactStep;
  at: string;
  /** The agent it was offered to, answered by, transferred to…; null while queued. */
  agentId: string | null;
  /** The skill or queue it came through ('' for none). */
  skill: string;
  channel: Channel;
  source: StateSource;
  eventKey?: string | null;
}

/** Intervals are 15 minutes, aligned to :00, :15, :30 and :45 (every time zone's offset is a whole number of quarter hours). */
export const INTERVAL_MINUTES = 15;
export const INTERVAL_MS = INTERVAL_MINUTES * 60_000;

/** A contact belongs to the interval it was offered in (as WFM forecasting counts arrivals). */
export interface SkillIntervalRow {
  skill: string;
  channel: Channel;
  offered: number;
  /** Answered by an agent. */
  handled: number;
  /** Ended before an agent answered. */
  abandoned: number;
  /** Mean seconds from offered to answered, of those answered; null when none was. */
  averageSpeedOfAnswerSeconds: number | null;
  /** Mean seconds of talk plus ACW, of those answered whose work has finished; null when none has. */
  averageHandleTimeSeconds: number | null;
  /** Answered within the configured threshold, in percent of those offered; null when none was offered. */
  serviceLevelPercent: number | null;
}

/** Seconds an agent spent in one state with one reason code within an interval. */
export interface StateSeconds {
  state: AgentStateName;
  reasonCode: string | null;
  seconds: number;
}

export interface AgentIntervalRow {
  agentId: string;
  agentName: string;
  states: StateSeconds[];
  /** Contacts the agent answered in this interval. */
  contactsHandled: number;
  /** Talk plus ACW seconds of those contacts, whole, in the interval they were answered. */
  handleTimeSeconds: number;
}

/** One 15-minute interval: `start` and `end` in UTC, `localStart` in the site's time zone with its offset. */
export interface Interval<Row> {
  start: string;
  end: string;
  localStart: string;
  /** Empty when nothing happened: still a valid interval. */
  rows: Row[];
}

/** What an agent should be doing, from when to when (a published schedule's line). */
export interface ScheduledActivity {
  agentId: string;
  activity: string;
  start: string;
  end: string;
}

/** How an agent kept to their schedule over a span. */
export interface AgentAdherence {
  agentId: string;
  agentName: string;
  scheduledSeconds: number;
  inAdherenceSeconds: number;
  outOfAdherenceMinutes: number;
  /** In adherence, in percent of the scheduled time; null when nothing was scheduled. */
  adherencePercent: number | null;
}

/** One line of a supervisor's day report: one interval, all skills (or the one asked for) together. */
export interface DayReportInterval extends Omit<SkillIntervalRow, 'skill' | 'channel'> {
  start: string;
  localStart: string;
  /** Of the agents scheduled in this interval; null when nobody was. */
  adherencePercent: number | null;
}

/** The `report today|yesterday|<date> [skill]` answer: a site day's intervals, its totals, and who kept to schedule least. */
export interface DayReport {
  /** The site's local date, YYYY-MM-DD. */
  date: string;
  siteTimeZone: string;
  /** The skill asked for; null for all. */
  skill: string | null;
  /** Every interval of the day (92, 96 or 100 on a DST change), empty ones included. */
  intervals: DayReportInterval[];
  totals: Omit<DayReportInterval, 'start' | 'localStart'>;
  /** The agent with the lowest adherence that day; null when nobody was scheduled. */
  worstAdherence: AgentAdherence | null;
}
