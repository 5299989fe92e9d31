import type { Request } from 'restify';
import { clip } from '../http/refusalLog.js';
import { readReportRange } from './reportRange.js';

/** What a report request asks for, read from its query string and Accept header. */
export interface ReportQuery {
  from: Date;
  to: Date;
  skill: string | null;
  format: 'json' | 'csv';
}

export type QueryVerdict = { ok: true; query: ReportQuery } | { ok: false; problem: string };

/** A longer query string is no report request of ours. */
const MAX_QUERY = 1024;
const MAX_SKILL = 30;

/**
 * Reads `from`, `to`, `format` (and `skill` where the route takes it). A parameter the route does not take,
 * or one given twice, is refused rather than ignored: a WFM system's typo should not silently change a report.
 */
export function readReportQuery(req: Request, options: { siteTimeZone: string; takesSkill: boolean }): QueryVerdict {
  const url = req.url ?? '';
  const raw = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  if (raw.length > MAX_QUERY) return { ok: false, problem: `query: at most ${MAX_QUERY} characters` };
  const allowed = options.takesSkill ? ['from', 'to', 'skill', 'format'] : ['from', 'to', 'format'];
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw)) {
    if (!allowed.includes(name)) return { ok: false, problem: `${clip(name, 40)}: unknown parameter (this address takes ${allowed.join(', ')})` };
    if (params.has(name)) return { ok: false, problem: `${name}: given more than once` };
    params.set(name, value);
  }
  const range = readReportRange(params.get('from'), params.get('to'), options.siteTimeZone);
  if (!range.ok) return { ok: false, problem: `${range.field}: ${range.problem}` };
  let skill: string | null = null;
  if (params.has('skill')) {
    skill = params.get('skill')!.trim();
    if (!skill || skill.length > MAX_SKILL) return { ok: false, problem: `skill: must be 1 to ${MAX_SKILL} characters` };
  }
  const format = params.get('format');
  if (format !== undefined && format !== 'json' && format !== 'csv') return { ok: false, problem: 'format: must be json or csv' };
  return { ok: true, query: { from: range.from, to: range.to, skill, format: (format as 'json' | 'csv' | undefined) ?? preferredFormat(req.header('accept')) } };
}

/** CSV when the Accept header prefers text/csv to JSON (by its q values, then its order); JSON otherwise. */
export function preferredFormat(accept: string | undefined): 'json' | 'csv' {
  if (!accept || accept.length > 1000) return 'json';
  const ranked = accept
    .split(',')
    .map((entry, order) => {
      const [type = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { type, q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((e) => e.q > 0 && (e.type === 'text/csv' || e.type === 'application/json'))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.type === 'text/csv' ? 'csv' : 'json';
}
