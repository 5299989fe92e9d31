import { reportCard } from '../../cards/reportCard.js';
import { parseReportArgument, REPORT_HELP } from '../../wfm/reportCommand.js';
import { siteDateOf } from '../../wfm/siteDay.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/** "report today|yesterday|<date> [skill]" (routed by chatCommands.ts): a site day's report card, for supervisors only. */
export async function showReport({ context, caller, argument }: CommandTurn, deps: BotDeps): Promise<void> {
  // The refusal `status` gives, from the same check.
  deps.agents.assertSupervisor(caller.aadObjectId);
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
