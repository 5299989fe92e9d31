import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { describeIssues } from '../domain/errors.js';
import { answerFailure } from '../http/failureAnswer.js';
import { clip, RefusalLog } from '../http/refusalLog.js';
import type { DayReports } from './ports.js';
import { dayReportCsv, dayReportFileName } from './reportCsv.js';
import { REPORT_CSV_PATH, type ReportLinks } from './reportLinks.js';
import { isCalendarDate } from './siteDay.js';

/** The link's query, bounded: a skill as the command takes it, an expiry in seconds, a SHA-256 in hex. */
const linkQuery = z.object({
  date: z.string({ required_error: 'required' }).refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD'),
  skill: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}]+$/u, 'must be text without control characters')
    .optional(),
  expires: z
    .string({ required_error: 'required' })
    .regex(/^\d{1,12}$/, 'must be a whole number of seconds')
    .transform(Number),
  sig: z.string({ required_error: 'required' }).regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
});

/**
 * GET /api/wfm/report.csv?date&skill&expires&sig: the CSV of a day report, for whoever holds a link the bot
 * signed (src/wfm/reportLinks.ts) and until it expires. A malformed link is 400 naming the field; a link not
 * signed by us or expired is 403, before anything is read, so no answer says whether a date has data.
 */
export function registerReportCsvRoute(server: Server, deps: { dayReports: DayReports; links: ReportLinks; logger: Logger }): void {
  const refusals = new RefusalLog(deps.logger, 'report CSV request refused', { level: 'info' });
  server.get(REPORT_CSV_PATH, async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    const params = new URL(req.url ?? '', 'http://localhost').searchParams;
    const parsed = linkQuery.safeParse({
      date: params.get('date') ?? undefined,
      skill: params.get('skill') ?? undefined,
      expires: params.get('expires') ?? undefined,
      sig: params.get('sig') ?? undefined,
    });
    if (!parsed.success) {
      const problem = clip(describeIssues(parsed.error.issues), 300);
      refusals.refused({ status: 400, problem, client: req.socket.remoteAddress });
      res.send(400, { error: problem });
      return;
    }
    const { date, skill, expires, sig } = parsed.data;
    const target = { date, skill: skill ?? null };
    const verdict = deps.links.verify(target, expires, sig);
    if (!verdict.ok) {
      refusals.refused({ status: 403, problem: verdict.problem.split(':')[0], client: req.socket.remoteAddress });
      res.send(403, { error: verdict.problem });
      return;
    }
    let csv: string;
    try {
      csv = dayReportCsv(await deps.dayReports.day(target.date, target.skill));
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: REPORT_CSV_PATH });
      return;
    }
    const body = Buffer.from(csv, 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Length': body.length,
      'Content-Disposition': `attachment; filename="${dayReportFileName(target)}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  });
}
