import { foldText } from '../crm/textFold.js';
import { describeAgentState, type AgentStatusRow } from '../domain/agentState.js';
import { DIGITAL_KINDS, noDigitalCounts, type DigitalKind } from '../domain/digital.js';
import type { Channel } from '../domain/interaction.js';
import type { OpenRecordRow } from '../store/supervisionRepository.js';
import type { Repositories } from '../store/unitOfWork.js';
import type { StatusFilter } from './statusFilter.js';

/**
 * The supervisors' view of their agents (seed 003, issue 15): every agent's state, reason code, time in state,
 * open interaction and digital conversations, narrowed by a `status` filter; and what waits in the queues.
 * Read in a fixed number of statements whatever the number of agents. Callers check the supervisor first
 * (AgentService.status).
 */

/** A status row with whom the agent's open interaction is (its first linked or matched record), for the card and the wallboard. */
export interface SupervisedAgentRow extends AgentStatusRow {
  /** "Maria Garcia (Contoso Pharmaceuticals)"; null when no record is linked or matched. */
  customer: string | null;
  /** The skills or queues their open contacts came through. */
  contactSkills: string[];
}

/** Who is configured with which digital skills (DIGITAL_AGENT_SKILLS, by lower-cased email or Entra object id). */
export type AgentSkills = ReadonlyMap<string, readonly string[]>;

export async function supervisedRows(repos: Repositories, now: Date, filter: StatusFilter, agentSkills: AgentSkills | undefined): Promise<SupervisedAgentRow[]> {
  const [agents, open, digitalLoad, records, emails] = await Promise.all([
    repos.agents.list(),
    repos.supervision.openInteractions(),
    repos.digitalStatus.loadByAgent(),
    repos.supervision.openRecords(),
    filter.skill && agentSkills ? repos.supervision.agentEmails() : Promise.resolve(new Map<string, string>()),
  ]);
  const byId = new Map(open.map((row) => [row.id, row]));
  const skillsOf = groupBy(open, (row) => row.agentId);
  const recordsOf = groupBy(records, (row) => row.agentId);
  const rows: SupervisedAgentRow[] = agents.map((agent) => {
    const interaction = agent.currentInteractionId ? byId.get(agent.currentInteractionId) : undefined;
    const own = recordsOf.get(agent.id) ?? [];
    // The call's records first: it is what "on a call with" means; a digital conversation's otherwise.
    const first = own.find((r) => r.interactionId === agent.currentInteractionId) ?? own[0];
    return {
      agent,
      stateLabel: describeAgentState(agent),
      secondsInState: Math.max(0, Math.round((now.getTime() - Date.parse(agent.stateSince)) / 1000)),
      interaction: interaction ? { id: interaction.id, channel: interaction.channel, ani: interaction.ani, state: interaction.state } : null,
      digital: digitalLoad.get(agent.id) ?? noDigitalCounts(),
      customer: first ? customerName(first) : null,
      contactSkills: [...new Set((skillsOf.get(agent.id) ?? []).flatMap((r) => (r.skill ? [r.skill] : [])))],
    };
  });
  return rows.filter((row) => matches(row, filter, { records: recordsOf.get(row.agent.id) ?? [], configuredSkills: configuredSkills(agentSkills, row.agent.id, emails.get(row.agent.id)) }));
}

function matches(row: SupervisedAgentRow, filter: StatusFilter, of: { records: OpenRecordRow[]; configuredSkills: readonly string[] }): boolean {
  const { agent } = row;
  if (filter.state && agent.state !== filter.state) return false;
  if (filter.reasonCode && agent.reasonCode?.toLowerCase() !== filter.reasonCode.toLowerCase()) return false;
  if (filter.overSeconds !== undefined && row.secondsInState <= filter.overSeconds) return false;
  if (filter.skill) {
    const skill = filter.skill.toLowerCase();
    if (![...of.configuredSkills, ...row.contactSkills].some((s) => s.toLowerCase() === skill)) return false;
  }
  if (filter.with) {
    // As the search compares: without regard to case or accents, anywhere in the name.
    const wanted = foldText(filter.with);
    if (!of.records.some((r) => foldText(r.label).includes(wanted) || (r.canonical.organization?.name && foldText(r.canonical.organization.name).includes(wanted)))) return false;
  }
  return true;
}

/** Without DIGITAL_AGENT_SKILLS every agent takes every skill: then only the skills of their contacts tell them apart. */
function configuredSkills(agentSkills: AgentSkills | undefined, agentId: string, email: string | undefined): readonly string[] {
  if (!agentSkills) return [];
  return [...(agentSkills.get(agentId.toLowerCase()) ?? []), ...((email && agentSkills.get(email.toLowerCase())) || [])];
}

function customerName(record: OpenRecordRow): string {
  const organization = record.canonical.organization?.name;
  return organization && organization !== record.label ? `${record.label} (${organization})` : record.label;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** What waits for an agent, by skill: the digital queue by kind, and the ACD's contacts offered and not answered. */
export interface QueueSnapshot {
  digital: Array<{ kind: DigitalKind; skill: string | null; count: number; longestWaitSeconds: number }>;
  acd: Array<{ skill: string | null; channel: Channel | null; count: number; longestWaitSeconds: number }>;
}

/** A contact offered longer ago than this is no longer counted as waiting: its ACD never said what became of it. */
const OFFER_FORGOTTEN_MS = 24 * 3600_000;
const CHANNELS: readonly string[] = ['voice', 'chat', 'sms', 'web'];

export async function waitingQueues(repos: Repositories, now: Date): Promise<QueueSnapshot> {
  const rows = await repos.supervision.waiting(new Date(now.getTime() - OFFER_FORGOTTEN_MS).toISOString());
  const waited = (since: string) => Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000)) || 0;
  // Sorted here: the stores disagree on where null sorts.
  const bySkill = (a: { skill: string | null }, b: { skill: string | null }) => (a.skill ?? '').localeCompare(b.skill ?? '');
  return {
    digital: rows.digital
      .filter((r) => (DIGITAL_KINDS as readonly string[]).includes(r.kind))
      .map((r) => ({ kind: r.kind as DigitalKind, skill: r.skill, count: r.count, longestWaitSeconds: waited(r.oldestSince) }))
      .sort((a, b) => bySkill(a, b) || a.kind.localeCompare(b.kind)),
    acd: rows.acd
      .map((r) => ({
        skill: r.skill,
        channel: r.channel && CHANNELS.includes(r.channel) ? (r.channel as Channel) : null,
        count: r.count,
        longestWaitSeconds: waited(r.oldestSince),
      }))
      .sort((a, b) => bySkill(a, b) || (a.channel ?? '').localeCompare(b.channel ?? '')),
  };
}
