import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { INTERVAL_MINUTES } from '../domain/wfm.js';
import { answerFailure } from '../http/failureAnswer.js';
import { RefusalLog } from '../http/refusalLog.js';
import type { WfmApiKeys } from './apiKeys.js';
import { wfmOpenApiDocument } from './openapi.js';
import type { IntervalReports, ScheduleImporter } from './ports.js';
import { agentActivityCsv, skillIntervalsCsv } from './intervalCsv.js';
import type { WfmConfig } from './wfmConfig.js';
import { authenticatedConsumer } from './wfmAuth.js';
import { readReportQuery, type ReportQuery } from './wfmQuery.js';

export interface WfmRouteDeps {
  keys: WfmApiKeys;
  reports: IntervalReports;
  schedules: ScheduleImporter;
  config: Pick<WfmConfig, 'siteTimeZone' | 'serviceLevelSeconds'>;
  logger: Logger;
}

/** "20261130T2300Z": an instant as a file name can hold it. */
const fileStamp = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\d{2}\.\d{3}Z$/, 'Z');

/**
 * The workforce API for WFM systems (issue 15): GET /api/wfm/intervals and /api/wfm/agent-activity (JSON or
 * CSV), PUT /api/wfm/schedules, each behind an API key (Authorization: Bearer); GET /api/wfm/openapi.json
 * describes them. Handlers authenticate, read the query and hand over: the reports and the importer compute.
 */
export function registerWfmRoutes(server: Server, deps: WfmRouteDeps): void {
  const refusals = new RefusalLog(deps.logger, 'WFM request refused: API key', { level: 'info' });
  const envelope = (query: ReportQuery) => ({
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    siteTimeZone: deps.config.siteTimeZone,
    intervalMinutes: INTERVAL_MINUTES,
    serviceLevelSeconds: deps.config.serviceLevelSeconds,
  });

  /** Authenticates, reads the query (400 naming the field), then answers with what `answer` computes. */
  const reportRoute = (name: string, takesSkill: boolean, answer: (query: ReportQuery) => Promise<{ json: Record<string, unknown>; csv: () => string }>) => async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    res.header('Vary', 'Accept, Authorization');
    const consumer = await authenticatedConsumer(req, res, deps.keys, refusals);
    if (!consumer) return;
    const read = readReportQuery(req, { siteTimeZone: deps.config.siteTimeZone, takesSkill });
    if (!read.ok) {
      deps.logger.info({ consumer, problem: read.problem }, 'WFM request refused: invalid');
      res.send(400, { error: read.problem });
      return;
    }
    const { query } = read;
    try {
      const report = await answer(query);
      if (query.format === 'json') res.send(200, report.json);
      else
        res.sendRaw(200, report.csv(), {
          'Content-Type': 'text/csv; charset=utf-8; header=present',
          'Content-Disposition': `attachment; filename="wfm-${name}-${fileStamp(query.from)}-${fileStamp(query.to)}.csv"`,
        });
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: `wfm ${name}`, consumer });
    }
  };

  server.get(
    '/api/wfm/intervals',
    reportRoute('intervals', true, async (query) => {
      const intervals = await deps.reports.skillIntervals(query.from, query.to, query.skill ?? undefined);
      return {
        json: { ...envelope(query), skill: query.skill, intervals: intervals.map(({ rows, ...times }) => ({ ...times, skills: rows })) },
        csv: () => skillIntervalsCsv(intervals),
      };
    }),
  );

  server.get(
    '/api/wfm/agent-activity',
    reportRoute('agent-activity', false, async (query) => {
      const intervals = await deps.reports.agentActivity(query.from, query.to);
      return {
        json: { ...envelope(query), intervals: intervals.map(({ rows, ...times }) => ({ ...times, agents: rows })) },
        csv: () => agentActivityCsv(intervals),
      };
    }),
  );

  server.put('/api/wfm/schedules', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    const consumer = await authenticatedConsumer(req, res, deps.keys, refusals);
    if (!consumer) return;
    // The body reader let only text/csv or JSON through (src/http/contentTypes.ts), within its size bound.
    const text = req.rawBody;
    if (!text?.trim()) {
      res.send(400, { error: 'body: required: the schedule as text/csv (agent,activity,start,end) or application/json' });
      return;
    }
    const format = String(req.headers['content-type'] ?? '')
      .trim()
      .toLowerCase()
      .startsWith('text/csv')
      ? 'csv'
      : 'json';
    try {
      const result = await deps.schedules.importSchedule(text, format);
      deps.logger.info({ consumer, imported: result.imported, agents: result.agents, rejected: result.rejected.length }, 'WFM schedule published');
      if (result.imported === 0) {
        res.send(400, { error: 'body: no valid schedule line (see rejected)', ...result });
        return;
      }
      res.send(200, result);
    } catch (error) {
      answerFailure(res, error, deps.logger, { route: 'wfm schedules', consumer });
    }
  });

  server.get('/api/wfm/openapi.json', async (_req: Request, res: Response) => {
    res.send(200, wfmOpenApiDocument());
  });
}
