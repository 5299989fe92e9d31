import type { ContactLogEntry, Interval, SkillIntervalRow } from '../domain/wfm.js';
import { factsOfLog, skillContribution, type SkillTotals } from './contactFacts.js';
import { intervalAt, intervalStarts } from './intervalMath.js';

/**
 * Skill intervals (per skill and channel, per 15 minutes): the sums they are made of, the rows made from the
 * sums, and the reference computation straight from the contact log, which the rollups must equal.
 */

/** To one decimal, as every average and percentage of the reports. */
export const tenth = (value: number) => Math.round(value * 10) / 10;

export function skillRow(totals: SkillTotals): SkillIntervalRow {
  return {
    skill: totals.skill,
    channel: totals.channel,
    offered: totals.offered,
    handled: totals.handled,
    abandoned: totals.abandoned,
    averageSpeedOfAnswerSeconds: totals.handled > 0 ? tenth(totals.answerMs / totals.handled / 1000) : null,
    averageHandleTimeSeconds: totals.handleCount > 0 ? tenth(totals.handleMs / totals.handleCount / 1000) : null,
    serviceLevelPercent: totals.offered > 0 ? tenth((totals.withinServiceLevel / totals.offered) * 100) : null,
  };
}

const bySkillThenChannel = (a: SkillIntervalRow, b: SkillIntervalRow) => (a.skill < b.skill ? -1 : a.skill > b.skill ? 1 : a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0);

/** Every interval of [from, to) with its rows (sorted by skill, then channel; [] when nothing was offered). */
export function skillIntervalsFrom(totals: Iterable<SkillTotals>, from: number, to: number, zone: string): Interval<SkillIntervalRow>[] {
  const rowsByStart = new Map<number, SkillIntervalRow[]>();
  for (const t of totals) {
    if (t.offered <= 0 || t.intervalStart < from || t.intervalStart >= to) continue;
    const rows = rowsByStart.get(t.intervalStart) ?? [];
    rows.push(skillRow(t));
    rowsByStart.set(t.intervalStart, rows);
  }
  return intervalStarts(from, to).map((start) => ({ ...intervalAt(start, zone), rows: (rowsByStart.get(start) ?? []).sort(bySkillThenChannel) }));
}

/**
 * The reference: skill intervals of [from, to) computed from contact log entries in the order they were
 * appended (only `skill` when given), with nothing kept in between.
 */
export function skillIntervalsOfLog(
  entries: readonly ContactLogEntry[],
  options: { from: number; to: number; zone: string; serviceLevelSeconds: number; skill?: string },
): Interval<SkillIntervalRow>[] {
  const totals = new Map<string, SkillTotals>();
  for (const facts of factsOfLog(entries).values()) {
    const c = skillContribution(facts);
    if (!c || (options.skill !== undefined && c.skill !== options.skill)) continue;
    const key = JSON.stringify([c.intervalStart, c.skill, c.channel]);
    const t = totals.get(key) ?? {
      intervalStart: c.intervalStart,
      skill: c.skill,
      channel: c.channel,
      offered: 0,
      handled: 0,
      abandoned: 0,
      answerMs: 0,
      handleMs: 0,
      handleCount: 0,
      withinServiceLevel: 0,
    };
    t.offered += c.offered;
    t.handled += c.handled;
    t.abandoned += c.abandoned;
    t.answerMs += c.answerMs;
    t.handleMs += c.handleMs;
    t.handleCount += c.handleCount;
    if (c.waitSeconds !== null && c.waitSeconds <= options.serviceLevelSeconds) t.withinServiceLevel += 1;
    totals.set(key, t);
  }
  return skillIntervalsFrom(totals.values(), options.from, options.to, options.zone);
}
