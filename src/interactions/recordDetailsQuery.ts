import type { CrmRecord, RecordRef } from '../domain/crmRecord.js';
import { displayFields, shownValue, typeLabel, type FieldView } from '../domain/customerCard.js';
import { refreshedLink, type Interaction, type InteractionRecordLink } from '../domain/interaction.js';
import type { RecordDetails } from '../domain/recordDetails.js';
import { formatWhen } from '../domain/timeZone.js';
import { findWorkflow } from '../workflows/configuration.js';
import { runWorkflow } from '../workflows/invoke.js';
import type { CardQueryDeps } from './cardDrawing.js';
import { describeRecordType } from './recordTypes.js';
import { quote } from './searchPlan.js';

const MAX_ACTIVITIES = 20;

/** What Details is read for: a record on an interaction's card, or (no interaction) one an agent found searching outside a call. */
export interface DetailsSubject {
  interactionId: string | null;
  configurationId: string;
  agentId: string;
  /** A completed card is history; a search result outside a call is for reading. */
  readOnly: boolean;
}

export function detailsSubjectOf(interaction: Interaction): DetailsSubject {
  return { interactionId: interaction.id, configurationId: interaction.configurationId, agentId: interaction.agentId, readOnly: interaction.state === 'completed' };
}

/**
 * All fields of a record on the card, fresh from the CRM, as a person reads them: labels from the dynamic
 * data mappings, else the CRM's own (describe); only the fields the CRM describes (not its internal ones);
 * references by name, choices by label, times in the agent's zone; its activities newest first. An open
 * card keeps the fresh record (and the organization's name it knew, should the fresh read lack it); a
 * completed one is history and keeps the record as it was.
 */
export async function recordDetails(deps: CardQueryDeps, subject: DetailsSubject, link: InteractionRecordLink, { fresh: alreadyFresh = false } = {}): Promise<RecordDetails> {
  const ref: RecordRef = { type: link.recordType, id: link.recordId };
  const configuration = deps.engine.configuration(subject.configurationId);
  const mappings = configuration?.dynamicDataMappings ?? {};
  const timeZone = (await deps.repos.agents.find(subject.agentId))?.timeZone ?? null;
  let shown = link;
  let activities: CrmRecord[] = [];
  if (configuration && findWorkflow(configuration, { kind: 'search', variant: 'custom' })) {
    const search = (workflowInput: unknown) => runWorkflow(deps.engine, subject.configurationId, { kind: 'search', variant: 'custom' }, workflowInput);
    const [fresh] = alreadyFresh ? [] : (await search({ search: { entity: ref.type, filter: `id = ${quote(ref.id)}` }, limit: 1 })).records;
    if (fresh) {
      shown = keepOrganization(refreshedLink(link, fresh), link);
      if (subject.interactionId && !subject.readOnly) await deps.repos.interactions.putLinks([shown]);
    }
    activities = (await search({ activitiesOf: { entity: ref.type, id: ref.id }, limit: 50 })).records;
  }
  const described = (await describeRecordType(deps.engine, subject.configurationId, { entity: ref.type }))?.description;
  const record = { type: ref.type, fields: shown.fields, display: shown.display };
  const mapped = displayFields(record, mappings, timeZone);
  const mappedFields = new Set((mappings[ref.type] ?? []).map((m) => m.field));
  const rest: FieldView[] = [];
  for (const [field, value] of Object.entries(shown.fields)) {
    if (mappedFields.has(field) || value === null || value === '') continue;
    const description = described?.fields[field];
    // What the CRM does not describe is internal (versions, owners' ids); a reference with no name says nothing.
    if (described && !description) continue;
    if ((description?.kind === 'reference' || (!described && field.endsWith('Id'))) && shown.display?.[field] === undefined) continue;
    const view = { label: description?.label ?? field, value: shownValue(record, field, timeZone) };
    // A reference and its name field (accountId, accountName) both read "Account: Contoso": show it once.
    if (mapped.some((m) => m.label === view.label && m.value === view.value)) continue;
    rest.push(view);
  }
  if (shown.canonical?.organization && !Object.values(shown.display ?? {}).includes(shown.canonical.organization.name)) {
    rest.unshift({ label: 'Organization', value: shown.canonical.organization.name });
  }
  const writable = (field: string) => !described || described.fields[field]?.writable === true;
  return {
    interactionId: subject.interactionId,
    readOnly: subject.readOnly,
    record: { ref, typeLabel: shown.typeLabel ?? described?.label ?? typeLabel(ref.type), name: shown.label, linked: link.linked },
    fields: [...mapped, ...rest],
    editable: (mappings[ref.type] ?? [])
      .filter((m) => writable(m.field))
      .map((m) => ({ field: m.field, label: m.label, value: shown.display?.[m.field] ?? (shown.fields[m.field] == null ? '' : String(shown.fields[m.field])) })),
    activities: activities
      .map((a) => ({ at: a.canonical.activityDate ?? '', subject: a.canonical.subject ?? a.name, description: a.canonical.description ?? '' }))
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, MAX_ACTIVITIES)
      .map(({ at, subject, description }) => ({ subject, when: formatWhen(at, timeZone), description })),
    canUpdate: !subject.readOnly && !!configuration && !!findWorkflow(configuration, { kind: 'update' }),
  };
}

/** A fresh read that lacks the organization's name (a CRM's "all fields" read) keeps the one the card knew. */
function keepOrganization(fresh: InteractionRecordLink, before: InteractionRecordLink): InteractionRecordLink {
  const known = before.canonical?.organization;
  const now = fresh.canonical?.organization;
  if (!known || (now && now.name !== now.ref.id)) return fresh;
  if (now && now.ref.id !== known.ref.id) return fresh;
  return { ...fresh, canonical: { ...fresh.canonical, organization: known } };
}
