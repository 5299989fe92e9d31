import { addDays, isCalendarDate } from './siteDay.js';

/** What `report …` asks for: a site date and a skill (null for all). */
export interface ReportRequest {
  date: string;
  skill: string | null;
}

/** The longest skill name taken: queue names are short, and it travels in a link and a file name. */
export const MAX_SKILL_LENGTH = 100;

export const REPORT_HELP =
  "Ask for a day by name or date, and a skill if you want one: **report today**, **report yesterday**, **report 2026-12-07**, **report today Billing**. Days are the site's own (its time zone).";

/**
 * Reads what follows `report`: "today", "yesterday" or a date YYYY-MM-DD (nothing: today), then an optional
 * skill (the rest, spaces and all: "Billing Support"). `today` is the site's date now. Null for anything else.
 */
export function parseReportArgument(argument: string, today: string): ReportRequest | null {
  const [first = '', ...rest] = argument.trim().split(/\s+/);
  const word = first.toLowerCase();
  const date = word === '' || word === 'today' ? today : word === 'yesterday' ? addDays(today, -1) : isCalendarDate(first) ? first : null;
  if (!date) return null;
  const skill = rest.join(' ');
  if (skill.length > MAX_SKILL_LENGTH || /\p{Cc}/u.test(skill)) return null;
  return { date, skill: skill || null };
}
