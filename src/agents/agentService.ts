import type { Agent } from '../domain/agentState.js';
import type { DigitalCounts } from '../domain/digital.js';
import { conflict, forbidden, invalidInput } from '../domain/errors.js';
import type { Repositories, UnitOfWork } from '../store/unitOfWork.js';
import { supervisedRows, waitingQueues, type AgentSkills, type QueueSnapshot, type SupervisedAgentRow } from './agentStatus.js';
import { acdReasonCode, stateEntry } from './stateLogEntries.js';
import type { StatusFilter } from './statusFilter.js';

/** How many agents' last contact is remembered in memory, and for how long (another instance may write meanwhile). */
const CONTACTS_REMEMBERED = 10_000;
const CONTACT_MEMORY_MS = 10 * 60_000;
/** The name of an agent whose Teams turn gave none. */
const UNNAMED_AGENT = 'Agent';

/** Agent states with reason codes, and the supervisors' view of them (seed 003). */
export class AgentService {
  /** agent id → what was last written for them (name, Teams id, chat reference) and when. */
  private readonly contacts = new Map<string, { written: string; reference: unknown; at: number }>();

  constructor(
    private readonly deps: {
      unit: UnitOfWork;
      reasonCodes: string[];
      supervisorIds: string[];
      clock: () => Date;
      /** Written in the same transaction as the agent's own state change (the ACD webhook's outbox): both or neither. */
      recordOwnStateChange?: (repos: Repositories, agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string) => Promise<void>;
      /** DIGITAL_AGENT_SKILLS (the supervisors' `status skill …`); none: only the skills of agents' contacts count. */
      agentSkills?: AgentSkills;
    },
  ) {}

  private readonly stateListeners = new Set<(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null) => void>();

  /** Told after the agent sets their own state (in Teams or the tab), not after the ACD sets it: so the ACD hears it, with no echo. */
  onStateSetByAgent(listener: (agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null) => void): void {
    this.stateListeners.add(listener);
  }

  private readonly changeListeners = new Set<(agentId: string) => void>();

  /** Told after any state change made here, the agent's own or the ACD's (the supervisors' wallboard). Returns how to stop. */
  onStateChanged(listener: (agentId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The agent behind a Teams user, created on first contact. */
  async identify(id: string, name: string, teamsUserId?: string): Promise<Agent> {
    const now = this.deps.clock().toISOString();
    return this.deps.unit.run(async (repos) => {
      const { isNew: _isNew, ...agent } = await this.upsertLogged(repos, id, name, now, teamsUserId ?? null);
      return agent;
    });
  }

  /** Creates or refreshes the agent; one created now enters the state log in their first state (Unavailable), with it. */
  private async upsertLogged(repos: Repositories, id: string, name: string, now: string, teamsUserId: string | null): Promise<Agent & { isNew?: true }> {
    const agent = await repos.agents.upsert(id, name || UNNAMED_AGENT, now, teamsUserId);
    if (agent.isNew) await repos.wfmLog.appendState(stateEntry(id, { state: agent.state, reasonCode: agent.reasonCode, interactionId: null }, { source: 'app', at: agent.stateSince }, now), now);
    return agent;
  }

  /**
   * Every turn of an agent passes here: the agent is created on first contact and their name, Teams id and
   * chat (where their card can be updated outside a turn) are kept. Written only when one of them changed,
   * so an ordinary turn costs no write.
   */
  async noteContact(id: string, name: string, teamsUserId: string, reference: object): Promise<void> {
    // The reference names the incoming activity, which differs every turn and is not needed to reach the chat.
    const { activityId: _activityId, ...chat } = reference as { activityId?: string };
    const written = JSON.stringify([name, teamsUserId, chat]);
    const now = this.deps.clock();
    const known = this.contacts.get(id);
    if (known?.written === written && now.getTime() - known.at < CONTACT_MEMORY_MS) return;
    // Not remembered (after a restart, or with more agents than are remembered): one read tells whether the
    // database already holds it all, instead of a transaction of writes.
    if (!known && (await this.storedContactIs(id, name, teamsUserId, chat))) return this.remember(id, written, chat, now);
    await this.deps.unit.run(async (repos) => {
      await this.upsertLogged(repos, id, name, now.toISOString(), teamsUserId);
      await repos.agents.saveConversationRef(id, chat, now.toISOString());
    });
    this.remember(id, written, chat, now);
  }

  private async storedContactIs(id: string, name: string, teamsUserId: string, chat: object): Promise<boolean> {
    const stored = await this.deps.unit.repos.agents.findContact(id);
    return stored?.name === (name || UNNAMED_AGENT) && stored.teamsUserId === teamsUserId && stored.reference === JSON.stringify(chat);
  }

  private remember(id: string, written: string, reference: object, now: Date): void {
    this.contacts.delete(id);
    this.contacts.set(id, { written, reference, at: now.getTime() });
    if (this.contacts.size > CONTACTS_REMEMBERED) this.contacts.delete(this.contacts.keys().next().value!);
  }

  /**
   * The IANA time zone the agent's client reports (Teams: activity.localTimezone; the tab: its own), already
   * validated: the dates on their card read in it. Written only when it changed since last noted here.
   */
  async noteTimeZone(id: string, timeZone: string): Promise<void> {
    if (this.zones.get(id) === timeZone) return;
    await this.deps.unit.repos.agents.setTimeZone(id, timeZone);
    if (this.zones.size > CONTACTS_REMEMBERED) this.zones.clear();
    this.zones.set(id, timeZone);
  }

  private readonly zones = new Map<string, string>();

  /** Whether this process has noted a contact of the agent (then their row exists: agents are never deleted). */
  isKnown(id: string): boolean {
    return this.contacts.has(id);
  }

  /** Where to reach the agent's chat outside a turn of theirs, if they ever talked to the bot. */
  async conversationRefOf(id: string): Promise<unknown | undefined> {
    return this.contacts.get(id)?.reference ?? this.deps.unit.repos.agents.findConversationRef(id);
  }

  /** The agent with this id, if they ever talked to the bot. */
  async find(agentId: string): Promise<Agent | undefined> {
    return this.deps.unit.repos.agents.find(agentId);
  }

  /** Every agent the bot knows, by name: for the tab's local identity picker (local use, no BOT_ID). */
  async known(): Promise<Agent[]> {
    return this.deps.unit.repos.agents.list();
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

  /**
   * The ACD sets the agent's state (it is the source of truth for it): any reason code it names is kept, in
   * our spelling when it is one of ours. An agent on a contact (Working, ACW) is 'busy': their contacts
   * move them, and the caller applies this state again once the contact is done. A change is logged at `at`
   * (the ACD's time, with its event's key when one event set it), in the change's transaction; the same
   * state again changes and logs nothing.
   */
  async applyAcdState(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string, eventKey: string | null = null): Promise<'applied' | 'busy'> {
    const agent = await this.deps.unit.repos.agents.find(agentId);
    if (!agent) throw invalidInput(`agent: ${agentId} is not known here`);
    if (agent.state === 'Working' || agent.state === 'ACW') return 'busy';
    const code = acdReasonCode(this.deps.reasonCodes, state, reasonCode);
    if (agent.state === state && agent.reasonCode === code) return 'applied';
    const now = this.deps.clock().toISOString();
    await this.deps.unit.run(async (repos) => {
      await repos.agents.setState(agentId, { state, reasonCode: code, since: at, currentInteractionId: null });
      await repos.wfmLog.appendState(stateEntry(agentId, { state, reasonCode: code, interactionId: null }, { source: 'acd', at, eventKey }, now), now);
    });
    for (const listener of this.changeListeners) listener(agentId);
    return 'applied';
  }

  private async changeState(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null): Promise<Agent> {
    const agent = await this.deps.unit.repos.agents.find(agentId);
    if (!agent) throw invalidInput('Say hello to the bot first, so it knows you.');
    if (agent.state === 'Working' || agent.state === 'ACW') {
      throw conflict(agent.state === 'Working' ? 'You are on a call. Type "hangup" to end it, then complete After Call Work.' : 'Complete After Call Work on the Customer Card first.');
    }
    // Re-stating the same state keeps its start time, so "time in state" stays honest (and logs nothing).
    const same = agent.state === state && agent.reasonCode === reasonCode;
    const now = this.deps.clock().toISOString();
    const since = same ? agent.stateSince : now;
    await this.deps.unit.run(async (repos) => {
      await repos.agents.setState(agentId, { state, reasonCode, since, currentInteractionId: null });
      if (!same) await repos.wfmLog.appendState(stateEntry(agentId, { state, reasonCode, interactionId: null }, { source: 'teams' }, now), now);
      // The agent's own word is the latest: an ACD's state change sent before it arrives too late to undo it.
      await repos.acd.putAgentState({ agent_id: agentId, state, reason_code: reasonCode, at: now });
      await this.deps.recordOwnStateChange?.(repos, agentId, state, reasonCode, now);
    });
    for (const listener of this.stateListeners) listener(agentId, state, reasonCode);
    for (const listener of this.changeListeners) listener(agentId);
    return { ...agent, state, reasonCode, stateSince: since };
  }

  isSupervisor(aadObjectId: string | undefined): boolean {
    return !!aadObjectId && this.deps.supervisorIds.some((id) => id.toLowerCase() === aadObjectId.toLowerCase());
  }

  /** Throws the refusal a non-supervisor gets (the same whatever they asked). */
  assertSupervisor(requesterAadObjectId: string | undefined): void {
    if (!this.isSupervisor(requesterAadObjectId)) {
      throw forbidden('Agent status is for supervisors. Ask your Teams admin if you should be one.');
    }
  }

  /**
   * Every agent's state and open interactions, narrowed by a `status` filter (agentStatus.ts), for a
   * supervisor. Anyone else is refused without learning anything.
   */
  async status(requesterAadObjectId: string | undefined, filter: StatusFilter = {}): Promise<SupervisedAgentRow[]> {
    this.assertSupervisor(requesterAadObjectId);
    return supervisedRows(this.deps.unit.repos, this.deps.clock(), filter, this.deps.agentSkills);
  }

  /** What waits for an agent, by skill: digital threads in the queue, ACD contacts offered and not answered. For a supervisor only. */
  async queues(requesterAadObjectId: string | undefined): Promise<QueueSnapshot> {
    this.assertSupervisor(requesterAadObjectId);
    return waitingQueues(this.deps.unit.repos, this.deps.clock());
  }

  /** The digital conversations waiting in the queue for an agent, by kind: for a supervisor only. */
  async digitalQueue(requesterAadObjectId: string | undefined): Promise<DigitalCounts> {
    this.assertSupervisor(requesterAadObjectId);
    return this.deps.unit.repos.digitalStatus.queued();
  }
}
