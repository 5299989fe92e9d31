import type { Agent } from '../domain/agentState.js';
import { AppError } from '../domain/errors.js';

/**
 * A call could not be routed: its agent was not Available when its transaction ran. It carries the agent as
 * read then (undefined: no such agent), so a router that may make them Available (the ACD routed it to
 * them) decides without reading them again.
 */
export class AgentNotAvailable extends AppError {
  constructor(readonly agent: Agent | undefined) {
    super(
      'conflict',
      agent?.state === 'Working' || agent?.state === 'ACW'
        ? 'You already have an interaction. Finish it (hangup, then Complete ACW) before taking another call.'
        : 'Calls are routed only to Available agents. Type "available" first.',
    );
  }
}
