import type { Logger } from 'pino';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import { displayPhone } from '../domain/phone.js';
import type { Repositories } from '../store/unitOfWork.js';
import { findWorkflow } from '../workflows/configuration.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { runWorkflow } from '../workflows/invoke.js';
import { isSomeone } from './customerView.js';

/** What a linked record brings onto its card: its latest activities and the customer's history. */
export interface RecordHistoryDeps {
  repos: Repositories;
  engine: WorkflowEngine;
  logger: Logger;
}

const MAX_HISTORY_RECORDS = 10;
const MAX_CARD_ACTIVITIES = 5;

/** When a record is linked: its latest activities for the card, and what earlier interactions linked with it. */
export async function onLinked(deps: RecordHistoryDeps, interaction: Interaction, link: InteractionRecordLink): Promise<void> {
  await addHistory(deps, interaction, link);
  const activities = await latestActivities(deps, interaction, link);
  if (activities) await deps.repos.interactions.setRecordActivities(interaction.id, { type: link.recordType, id: link.recordId }, activities);
}

/** A linked record's latest activities, for its card; undefined when the CRM has no search for them or it failed. */
export async function latestActivities(
  deps: Omit<RecordHistoryDeps, 'repos'>,
  interaction: Pick<Interaction, 'id' | 'configurationId'>,
  link: InteractionRecordLink,
): Promise<Array<{ subject: string; when: string }> | undefined> {
  const configuration = deps.engine.configuration(interaction.configurationId);
  if (!configuration || !findWorkflow(configuration, { kind: 'search', variant: 'custom' })) return undefined;
  try {
    const { records } = await runWorkflow(
      deps.engine,
      interaction.configurationId,
      { kind: 'search', variant: 'custom' },
      { activitiesOf: { entity: link.recordType, id: link.recordId }, limit: MAX_CARD_ACTIVITIES },
    );
    return records.map((a) => ({ subject: a.canonical.subject ?? a.name, when: a.canonical.activityDate ?? '' }));
  } catch (error) {
    // The card is still right without them; the agent can open Details, which says what failed.
    deps.logger.warn({ err: error, interactionId: interaction.id }, 'activities of a linked record not read');
    return undefined;
  }
}

/**
 * A call's first records (the data dip's, nothing on its card yet) followed by what earlier interactions
 * linked with its linked ones, as addHistory brings them; `newCustomer`: the customer was created in this
 * turn, so they have no history to read.
 */
export async function withHistory(repos: Repositories, interaction: Interaction, first: InteractionRecordLink[], newCustomer: boolean): Promise<InteractionRecordLink[]> {
  const known = new Set(first.map((l) => `${l.recordType}:${l.recordId}`));
  const links = [...first];
  let customerHistory: Array<InteractionRecordLink & { startedAt: string }> | undefined;
  for (const link of first.filter((l) => l.linked)) {
    if (interaction.customerId && !newCustomer) customerHistory ??= await repos.interactions.recordsFromCustomerHistory(interaction.customerId, interaction.id, MAX_HISTORY_RECORDS);
    const earlier = [...(await repos.interactions.recordsFromEarlierInteractions({ type: link.recordType, id: link.recordId }, interaction.id, MAX_HISTORY_RECORDS)), ...(customerHistory ?? [])];
    for (const { startedAt: _startedAt, ...e } of earlier) {
      const key = `${e.recordType}:${e.recordId}`;
      if (known.has(key)) continue;
      known.add(key);
      links.push({ ...e, interactionId: interaction.id, linked: false, origin: 'history', activities: [] });
    }
  }
  return links;
}

/**
 * Brings records linked in earlier interactions (with this record, or of this customer) onto the card,
 * under Related; and names an unnamed customer after the person linked.
 */
export async function addHistory(deps: RecordHistoryDeps, interaction: Interaction, link: InteractionRecordLink): Promise<void> {
  const interactionId = interaction.id;
  const earlier = [
    ...(await deps.repos.interactions.recordsFromEarlierInteractions({ type: link.recordType, id: link.recordId }, interactionId, MAX_HISTORY_RECORDS)),
    ...(interaction.customerId ? await deps.repos.interactions.recordsFromCustomerHistory(interaction.customerId, interactionId, MAX_HISTORY_RECORDS) : []),
  ];
  if (interaction.customerId && isSomeone(link)) {
    const customer = await deps.repos.customers.find(interaction.customerId);
    if (customer && customer.name === displayPhone(interaction.ani)) await deps.repos.customers.rename(customer.id, link.label);
  }
  const current = await deps.repos.interactions.listLinks(interactionId);
  const known = new Set(current.map((l) => `${l.recordType}:${l.recordId}`));
  const fresh = earlier.filter((e) => !known.has(`${e.recordType}:${e.recordId}`) && known.add(`${e.recordType}:${e.recordId}`));
  await deps.repos.interactions.putLinks(fresh.map((e) => ({ ...e, interactionId, linked: false, origin: 'history' })));
}
