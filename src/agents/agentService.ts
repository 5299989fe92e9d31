import type { Kysely } from 'kysely';
import { describeAgentState, type Agent } from '../domain/agentState.js';
import { conflict, forbidden, invalidInput } from '../domain/errors.js';
import type { Database } from '../store/schema.js';
import { findAgent, listAgents, setAgentState, upsertAgent } from '../store/agentsRepository.js';
import { findInteraction } from '../store/interactionsRepository.js';
import type { Interaction } from '../domain/interaction.js';

export interface AgentStatusRow {
  agent: Agent;
  stateLabel: string;
  secondsInState: number;
  interaction: Pick<Interaction, 'id' | 'channel' | 'ani' | 'state'> | null;
}

/** Agent states with reason codes, and the supervisors' view of them (seed 003). */
export class AgentService {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      reasonCodes: string[];
      supervisorIds: string[];
      clock: () => Date;
    },
  ) {}

  /** The agent behind a Teams user, created on first contact. */
  async identify(id: string, name: string, teamsUserId?: string): Promise<Agent> {
    return upsertAgent(this.deps.db, id, name || 'Agent', this.deps.clock().toISOString(), teamsUserId ?? null);
  }

  /** The agent with this id, if they ever talked to the bot. */
  async find(agentId: string): Promise<Agent | undefined> {
    return findAgent(this.deps.db, agentId);
  }

  /** Every agent the bot knows, by name: for the tab's local identity picker (local use, no BOT_ID). */
  async known(): Promise<Agent[]> {
    return listAgents(this.deps.db);
  }

  get reasonCodes(): readonly string[] {
    return this.deps.reasonCodes;
  }

  async setAvailable(agentId: string): Promise<Agent> {
    return this.changeState(agentId, 'Available', null);
  }

  async setUnavailable(agentId: string, reason: string | undefined): Promise<Agent> {
    let reasonCode: string | null = null;
    if (reason?.trim()) {
      reasonCode = this.deps.reasonCodes.find((code) => code.toLowerCase() === reason.trim().toLowerCase()) ?? null;
      if (!reasonCode) {
        throw invalidInput(`"${reason.trim()}" is not a reason code. Choose one of: ${this.deps.reasonCodes.join(', ')}.`);
      }
    }
    return this.changeState(agentId, 'Unavailable', reasonCode);
  }

  private async changeState(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null): Promise<Agent> {
    const agent = await findAgent(this.deps.db, agentId);
    if (!agent) throw invalidInput('Say hello to the bot first, so it knows you.');
    if (agent.state === 'Working' || agent.state === 'ACW') {
      throw conflict(
        agent.state === 'Working'
          ? 'You are on a call. Type "hangup" to end it, then complete After Call Work.'
          : 'Complete After Call Work on the Customer Card first.',
      );
    }
    // Re-stating the same state keeps its start time, so "time in state" stays honest.
    const since = agent.state === state && agent.reasonCode === reasonCode ? agent.stateSince : this.deps.clock().toISOString();
    await setAgentState(this.deps.db, agentId, { state, reasonCode, since, currentInteractionId: null });
    return { ...agent, state, reasonCode, stateSince: since };
  }

  isSupervisor(aadObjectId: string | undefined): boolean {
    return !!aadObjectId && this.deps.supervisorIds.some((id) => id.toLowerCase() === aadObjectId.toLowerCase());
  }

  /** Every agent's state for a supervisor. Anyone else is refused without learning anything. */
  async status(requesterAadObjectId: string | undefined): Promise<AgentStatusRow[]> {
    if (!this.isSupervisor(requesterAadObjectId)) {
      throw forbidden('Agent status is for supervisors. Ask your Teams admin if you should be one.');
    }
    const now = this.deps.clock().getTime();
    const agents = await listAgents(this.deps.db);
    return Promise.all(
      agents.map(async (agent) => {
        const interaction = agent.currentInteractionId ? await findInteraction(this.deps.db, agent.currentInteractionId) : undefined;
        return {
          agent,
          stateLabel: describeAgentState(agent),
          secondsInState: Math.max(0, Math.round((now - Date.parse(agent.stateSince)) / 1000)),
          interaction: interaction
            ? { id: interaction.id, channel: interaction.channel, ani: interaction.ani, state: interaction.state }
            : null,
        };
      }),
    );
  }
}
