import { buildCustomerCardView, type CustomerCardView, type Notice } from '../domain/customerCard.js';
import type { Agent } from '../domain/agentState.js';
import type { Customer } from '../domain/customer.js';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import { displayPhone } from '../domain/phone.js';
import type { Repositories } from '../store/unitOfWork.js';
import { findWorkflow } from '../workflows/configuration.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { acwWritesOf, withWrittenValues } from './acwJobs.js';
import { customerView } from './customerView.js';
import { digitalCardView } from './digitalCardQuery.js';
import { casePriorityOf } from './recordTypes.js';

/**
 * Drawing the Customer Card of an interaction (Details: recordDetailsQuery.ts). It takes an interaction the
 * caller was already allowed to read (src/interactions/ownership.ts); the queries on it are in cardQuery.ts.
 */
export interface CardQueryDeps {
  /** The read path: nothing here writes. */
  repos: Repositories;
  engine: WorkflowEngine;
  defaultRegion: string;
  dispositions: readonly string[];
}

/** What the caller holds already, as stored now, so drawing the card does not read it again. */
export interface HeldForCard {
  /** The agent who handles it, as the card shows them (read with the interaction, or the caller's row). */
  agent?: Pick<Agent, 'name' | 'teamsUserId' | 'timeZone'>;
  links?: InteractionRecordLink[];
  customer?: Customer;
  /** How many interactions the held customer has had (1 for a customer created with this interaction). */
  interactionCount?: number;
}

/** The card of an interaction as it stands, with the outcome to show on it and the merge dialog's search. */
export async function drawCard(
  deps: CardQueryDeps,
  interaction: Interaction,
  { notice, duplicateQuery, now, held = {} }: { notice: Notice | undefined; duplicateQuery?: string; now: Date; held?: HeldForCard },
): Promise<CustomerCardView> {
  const interactionId = interaction.id;
  let links = held.links ?? (await deps.repos.interactions.listLinks(interactionId));
  const configuration = deps.engine.configuration(interaction.configurationId);
  const has = (kind: Parameters<typeof findWorkflow>[1]) => !!configuration && !!findWorkflow(configuration, kind);
  const agent = held.agent ?? (await deps.repos.agents.find(interaction.agentId));
  // A digital conversation's writes may be queued while it is still open (fired by a transfer): always read.
  const crmWrites = interaction.state === 'completed' || interaction.channel !== 'voice' ? await acwWritesOf(deps.repos.jobs, interactionId, links, configuration) : [];
  if (configuration && crmWrites.length) {
    // Once memorialization wrote a record, the card shows what the CRM now holds.
    links = withWrittenValues(links, crmWrites, configuration, interaction, { id: interaction.agentId, name: agent?.name ?? interaction.agentId }, now);
  }
  const can = {
    createContact: has({ kind: 'create', variant: 'standard', recordType: 'contact' }),
    createCase: has({ kind: 'create', variant: 'standard', recordType: 'case' }),
    createCustom: has({ kind: 'create', variant: 'custom' }),
    update: has({ kind: 'update' }),
    search: has({ kind: 'search', variant: 'custom' }),
  };
  // The New case form offers the CRM's own priorities: read (from the connector's cache) only when it is shown.
  const offersCase = interaction.state !== 'completed' && can.createCase && links.some((l) => l.linked && l.role === 'person');
  const casePriority = offersCase ? await casePriorityOf(deps.engine, interaction.configurationId) : undefined;
  const digital = await digitalCardView(deps.repos, interaction);
  return buildCustomerCardView({
    interaction,
    customer: await customerView(deps.repos.customers, interaction, links, deps.defaultRegion, duplicateQuery, held.customer, held.interactionCount),
    owner: { name: agent?.name ?? 'the agent', teamsUserId: agent?.teamsUserId ?? null },
    links,
    crmWrites: crmWrites.map(({ ref: _ref, ...write }) => write),
    mappings: configuration?.dynamicDataMappings ?? {},
    dispositions: deps.dispositions,
    can,
    now,
    notice,
    timeZone: agent?.timeZone ?? null,
    casePriority,
    matchedNumber: interaction.matchState === 'multiple' ? displayPhone(interaction.ani) : undefined,
    digital,
  });
}
