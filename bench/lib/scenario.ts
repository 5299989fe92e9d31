import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedPlan } from '../../scripts/seed/generate.js';
import type { BenchConfig } from './config.js';
import type { ProfileSummary } from './profile.js';

export type Verdict = 'met' | 'missed' | 'floor' | 'info';

/** One row of the table: a figure, the goal it is held to, and whether it is met. */
export interface Row {
  scenario: string;
  figure: string;
  value: string;
  goal: string;
  verdict: Verdict;
}

/** A goal that is missed: by how much, and what dominates (from a profile taken in the same run). */
export interface Miss {
  scenario: string;
  figure: string;
  by: string;
  dominates: string;
}

export interface ScenarioResult {
  /** File name under bench/results/ (without .json). */
  slug: string;
  title: string;
  rows: Row[];
  misses: Miss[];
  /** Everything measured, for bench/results/<slug>.json. */
  figures: Record<string, unknown>;
  profiles?: Record<string, ProfileSummary>;
  /** SQL statements run during the profiled pass (counted there only). */
  sql?: unknown;
  notes?: string[];
}

export interface BenchContext {
  config: BenchConfig;
  plan: SeedPlan;
  dataDir: string;
  resultsDir: string;
  profilesDir: string;
  log(message: string): void;
}

export function writeResult(context: BenchContext, result: ScenarioResult, extra: Record<string, unknown> = {}): void {
  const file = join(context.resultsDir, `${result.slug}.json`);
  writeFileSync(file, `${JSON.stringify({ ...extra, ...result }, null, 2)}\n`);
}

/** "met" when value ≤ goal (or ≥ for throughput-like goals). */
export function verdict(value: number, goal: number, direction: 'max' | 'min' = 'max'): Verdict {
  if (!Number.isFinite(value)) return 'missed';
  return (direction === 'max' ? value <= goal : value >= goal) ? 'met' : 'missed';
}

/** "4,603 ms against ≤ 1,500 ms: 207% over" / "69 against ≥ 2,000: 97% short" / "… 351× the goal". */
export function byHowMuch(value: number, goal: number, direction: 'max' | 'min' = 'max', unit = ''): string {
  if (!Number.isFinite(value)) return 'no value measured';
  const u = unit ? ` ${unit}` : '';
  if (direction === 'max') {
    const over = value / goal >= 10 ? `${fmt(value / goal, 0)}× the goal` : `${Math.round((value / goal - 1) * 100)}% over`;
    return `${fmt(value)}${u} against ≤ ${fmt(goal)}${u}: ${over}`;
  }
  return `${fmt(value)}${u} against ≥ ${fmt(goal)}${u}: ${Math.round((1 - value / goal) * 100)}% short`;
}

export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}
