import type { Logger } from 'pino';
import type { Server } from 'restify';
import { SiteDayReports } from './dayReports.js';
import type { AdherenceReports, DayReports, IntervalReports } from './ports.js';
import { registerReportCsvRoute } from './reportCsvRoute.js';
import { ReportLinks, reportLinkSecret, type ReportLinkTarget } from './reportLinks.js';
import type { WfmConfig } from './wfmConfig.js';

export interface ReportFeature {
  dayReports: DayReports;
  /** What the bot's `report` command needs (BotDeps.wfm). */
  bot: { dayReports: DayReports; siteTimeZone: string; reportLink(target: ReportLinkTarget): string };
  /** Registers GET /api/wfm/report.csv, the card's "Open CSV". */
  register(server: Server): void;
}

/**
 * The supervisors' day report, put together: day reports over the interval and adherence reports, the CSV
 * route, and the links the card signs for it. Warns at start when the links cannot work everywhere: signed
 * with a secret of this process (no WFM_LINK_SECRET), or pointing at a local address a Teams client cannot reach.
 */
export function createReportFeature(deps: {
  intervals: IntervalReports;
  adherence: AdherenceReports;
  config: WfmConfig;
  clock: () => Date;
  logger: Logger;
  /** The address a supervisor's browser reaches the app at (PUBLIC_BASE_URL, else this server's own). */
  baseUrl: () => string;
  /** Whether the app runs for Teams (BOT_ID set) with no public address configured: its links would name this machine. */
  localAddressInTeams?: boolean;
}): ReportFeature {
  const { secret, warning } = reportLinkSecret(deps.config);
  if (warning) deps.logger.warn(warning);
  if (deps.localAddressInTeams) deps.logger.warn("PUBLIC_BASE_URL is not set: the report card's CSV links name this server's local address, which a Teams client cannot open. Set PUBLIC_BASE_URL.");
  const dayReports = new SiteDayReports({ intervals: deps.intervals, adherence: deps.adherence, siteTimeZone: deps.config.siteTimeZone });
  const links = new ReportLinks({ secret, clock: deps.clock, baseUrl: deps.baseUrl });
  return {
    dayReports,
    bot: { dayReports, siteTimeZone: deps.config.siteTimeZone, reportLink: (target) => links.link(target) },
    register: (server) => registerReportCsvRoute(server, { dayReports, links, logger: deps.logger }),
  };
}
