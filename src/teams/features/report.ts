import { reportCard } from '../../cards/reportCard.js';
import { forbidden } from '../../domain/errors.js';
import { parseReportArgument, REPORT_HELP } from '../../wfm/reportCommand.js';
import { siteDateOf } from '../../wfm/siteDay.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/** Word for word what `status` answers someone who is not a supervisor (test/teams/report.test.ts holds them equal). */
const SUPERVISORS_ONLY = 'Agent status is for supervisors. Ask your Teams admin if you should be one.';

/** "report today|yesterday|<date> [skill]" (routed by chatCommands.ts): a site day's report card, for supervisors only. */
export async function showReport({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  if (!deps.agents.isSupervisor(caller.aadObjectId)) throw forbidden(SUPERVISORS_ONLY);
  if (!deps.wfm) {
    await context.sendActivity('Workforce reports are not set up on this instance.');
    return;
  }
  const request = parseReportArgument(argument, siteDateOf(deps.clock(), deps.wfm.siteTimeZone));
  if (!request) {
    await context.sendActivity(`I did not understand that day. ${REPORT_HELP}`);
    return;
  }
  const report = await deps.wfm.dayReports.day(request.date, request.skill);
  await sendCard(context, reportCard(report, deps.wfm.reportLink(request)));
}
