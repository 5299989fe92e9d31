import { describeStatusFilter, parseStatusMessage, STATUS_FILTER_HELP } from '../../agents/statusFilter.js';
import { statusCard, statusHelpCard } from '../../cards/statusCard.js';
import type { BotDeps } from '../deps.js';
import { sendCard } from '../replies.js';
import type { CommandTurn } from '../turn.js';

/**
 * "status [filters]" and "who is on a call with <name>" (routed by chatCommands.ts): the agents the filter
 * keeps, with the digital queue, for supervisors only. Words it does not know get the list of filters.
 */
export async function showStatus({ context, caller }: CommandTurn, deps: BotDeps): Promise<void> {
  deps.agents.assertSupervisor(caller.aadObjectId);
  const parsed = parseStatusMessage(context.activity.text ?? '', deps.agents.reasonCodes);
  if (!parsed.ok) {
    await sendCard(context, statusHelpCard(parsed.problem, STATUS_FILTER_HELP));
    return;
  }
  const [rows, queued] = await Promise.all([deps.agents.status(caller.aadObjectId, parsed.filter), deps.agents.digitalQueue(caller.aadObjectId)]);
  await sendCard(context, statusCard(rows, deps.clock(), queued, { filter: describeStatusFilter(parsed.filter) }));
}
