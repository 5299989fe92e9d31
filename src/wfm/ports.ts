import type { AgentAdherence, AgentIntervalRow, DayReport, Interval, ScheduledActivity, SkillIntervalRow } from '../domain/wfm.js';

/**
 * What the workforce parts offer one another (issue 15): the interval reports (intervals.ts and its rollups),
 * adherence (adherence.ts) and the day report a supervisor asks for (dayReports.ts). The HTTP API, the bot's
 * `report` card and the tab's wallboard read through these, never the logs.
 */

/** Every 15-minute interval of [from, to) (both on interval boundaries), empty ones included. */
export interface IntervalReports {
  skillIntervals(from: Date, to: Date, skill?: string): Promise<Interval<SkillIntervalRow>[]>;
  agentActivity(from: Date, to: Date): Promise<Interval<AgentIntervalRow>[]>;
}

/** An adherence percentage per interval (null where nobody was scheduled), over the scheduled agents. */
export interface IntervalAdherence {
  start: string;
  adherencePercent: number | null;
}

export interface AdherenceReports {
  /** Per agent scheduled in [from, to): how they kept to it, worst first. */
  agentAdherence(from: Date, to: Date): Promise<AgentAdherence[]>;
  intervalAdherence(from: Date, to: Date): Promise<IntervalAdherence[]>;
}

/** The outcome of publishing a schedule: lines kept, and each refused line with its number and why. */
export interface ScheduleImportResult {
  imported: number;
  agents: number;
  rejected: Array<{ line: number; reason: string }>;
}

export interface ScheduleImporter {
  /** Publishes a schedule given as CSV (activity lines with a header) or JSON; replaces each agent's schedule over the span it covers. */
  importSchedule(text: string, format: 'csv' | 'json'): Promise<ScheduleImportResult>;
  /** The schedule of [from, to), by agent and start. */
  scheduleBetween(from: Date, to: Date): Promise<ScheduledActivity[]>;
}

export interface DayReports {
  /** The site's local day `date` (YYYY-MM-DD): its intervals (all skills, or `skill`), totals and worst adherence. */
  day(date: string, skill: string | null): Promise<DayReport>;
}
