import type { DigitalCounts } from './digital.js';
import type { Interaction } from './interaction.js';

/**
 * Agent states as the ACD knows them. Only an Available agent is offered a new interaction; Unavailable
 * carries a reason code (seed 003: "Unavailable: Lunch").
 */
export type AgentStateName = 'Available' | 'Unavailable' | 'Working' | 'ACW';

export interface Agent {
  id: string;
  name: string;
  state: AgentStateName;
  reasonCode: string | null;
  stateSince: string;
  currentInteractionId: string | null;
  /** Their id in Teams conversations, once known. */
  teamsUserId: string | null;
  /** The IANA time zone their client last reported; dates on their card read in it (UTC when null). */
  timeZone?: string | null;
}

export function canTakeInteraction(agent: Pick<Agent, 'state'>): boolean {
  return agent.state === 'Available';
}

export function describeAgentState(agent: Pick<Agent, 'state' | 'reasonCode'>): string {
  return agent.reasonCode ? `${agent.state}: ${agent.reasonCode}` : agent.state;
}

/** One line of the supervisors' status: the agent, their state in words, and the interaction they are on. */
export interface AgentStatusRow {
  agent: Agent;
  stateLabel: string;
  secondsInState: number;
  interaction: Pick<Interaction, 'id' | 'channel' | 'ani' | 'state'> | null;
  /** The open digital interactions assigned to them, by kind (absent where digital is not counted). */
  digital?: DigitalCounts;
}
