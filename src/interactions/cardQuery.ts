import type { Kysely } from 'kysely';
import type { CrmRecord, RecordRef } from '../domain/crmRecord.js';
import { buildCustomerCardView, displayFields, type CustomerCardView, type Notice, typeLabel } from '../domain/customerCard.js';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import type { RecordDetails } from '../domain/recordDetails.js';
import { findAgent } from '../store/agentsRepository.js';
import { listRecordLinks, putRecordLinks } from '../store/interactionsRepository.js';
import type { Database } from '../store/schema.js';
import { findWorkflow } from '../workflows/configuration.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { runWorkflow } from '../workflows/invoke.js';
import type { SearchResult } from '../workflows/search.js';
import { acwWritesOf } from './acwJobs.js';
import { customerView } from './customerView.js';
import { quote } from './searchPlan.js';

/**
 * The read-only card query: the Customer Card of an interaction, and the Details of a record on it. Both
 * take an interaction the caller was already allowed to read (src/interactions/ownership.ts).
 */
export interface CardQueryDeps {
  db: Kysely<Database>;
  engine: WorkflowEngine;
  defaultRegion: string;
  dispositions: readonly string[];
}

const MAX_ACTIVITIES = 20;

/** The card of an interaction as it stands, with the outcome to show on it and the merge dialog's search. */
export async function drawCard(
  deps: CardQueryDeps,
  interaction: Interaction,
  { notice, duplicateQuery, now }: { notice: Notice | undefined; duplicateQuery?: string; now: Date },
): Promise<CustomerCardView> {
  const interactionId = interaction.id;
  const links = await listRecordLinks(deps.db, interactionId);
  const configuration = deps.engine.configuration(interaction.configurationId);
  const has = (kind: Parameters<typeof findWorkflow>[1]) => !!configuration && !!findWorkflow(configuration, kind);
  const agent = await findAgent(deps.db, interaction.agentId);
  return buildCustomerCardView({
    interaction,
    customer: await customerView(deps.db, interaction, links, deps.defaultRegion, duplicateQuery),
    owner: { name: agent?.name ?? 'the agent', teamsUserId: agent?.teamsUserId ?? null },
    links,
    crmWrites: interaction.state === 'completed' ? await acwWritesOf(deps.db, interactionId, links) : [],
    mappings: configuration?.dynamicDataMappings ?? {},
    dispositions: deps.dispositions,
    can: {
      createContact: has({ kind: 'create', variant: 'standard', recordType: 'contact' }),
      createCase: has({ kind: 'create', variant: 'standard', recordType: 'case' }),
      createCustom: has({ kind: 'create', variant: 'custom' }),
      update: has({ kind: 'update' }),
      search: has({ kind: 'search', variant: 'custom' }),
    },
    now,
    notice,
  });
}

/**
 * All fields of a record on the card, fresh from the CRM, with its activities newest first. An open card
 * keeps the fresh record; a completed one is history and keeps the record as it was.
 */
export async function recordDetails(deps: CardQueryDeps, interaction: Interaction, link: InteractionRecordLink): Promise<RecordDetails> {
  const ref: RecordRef = { type: link.recordType, id: link.recordId };
  const interactionId = interaction.id;
  const configuration = deps.engine.configuration(interaction.configurationId);
  const mappings = configuration?.dynamicDataMappings ?? {};
  let fields = link.fields;
  let activities: CrmRecord[] = [];
  if (configuration && findWorkflow(configuration, { kind: 'search', variant: 'custom' })) {
    const search = (entity: string, filter: string, limit: number) =>
      runWorkflow<SearchResult>(deps.engine, interaction.configurationId, { kind: 'search', variant: 'custom' }, { search: { entity, filter }, limit });
    const [fresh] = (await search(ref.type, `id = ${quote(ref.id)}`, 1)).records;
    if (fresh) {
      fields = fresh.fields;
      // A completed card is read-only history: it keeps the record as it was; an open one shows it fresh.
      if (interaction.state !== 'completed') await putRecordLinks(deps.db, [{ ...link, label: fresh.name, fields: fresh.fields }]);
    }
    activities = (
      await runWorkflow<SearchResult>(deps.engine, interaction.configurationId, { kind: 'search', variant: 'custom' }, { activitiesOf: { entity: ref.type, id: ref.id }, limit: 50 })
    ).records;
  }
  const mapped = displayFields(ref.type, fields, mappings);
  const mappedLabels = new Set((mappings[ref.type] ?? []).map((m) => m.field));
  const rest = Object.entries(fields)
    .filter(([key, value]) => !mappedLabels.has(key) && value !== null && value !== '')
    .map(([key, value]) => ({ label: key, value: String(value) }));
  return {
    interactionId,
    readOnly: interaction.state === 'completed',
    record: { ref, typeLabel: typeLabel(ref.type), name: link.label, linked: link.linked },
    fields: [...mapped, ...rest],
    editable: (mappings[ref.type] ?? []).map((m) => ({ field: m.field, label: m.label, value: fields[m.field] == null ? '' : String(fields[m.field]) })),
    activities: activities
      .map((a) => ({ subject: a.name, when: String(a.fields.activityDate ?? ''), description: String(a.fields.description ?? '') }))
      .sort((a, b) => b.when.localeCompare(a.when))
      .slice(0, MAX_ACTIVITIES),
    canUpdate: interaction.state !== 'completed' && !!configuration && !!findWorkflow(configuration, { kind: 'update' }),
  };
}
