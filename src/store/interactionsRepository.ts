import { RECORD_ROLES, type CanonicalFields, type FieldValue, type RecordRef, type RecordRole } from '../domain/crmRecord.js';
import type { Channel, Interaction, InteractionRecordLink, InteractionState, MatchState, RecordOrigin } from '../domain/interaction.js';
import type { Agent } from '../domain/agentState.js';
import type { Db } from './db.js';
import type { InteractionRecordsTable, InteractionsTable } from './schema.js';

function toInteraction(row: InteractionsTable): Interaction {
  return {
    id: row.id,
    agentId: row.agent_id,
    channel: row.channel as Channel,
    ani: row.ani,
    state: row.state as InteractionState,
    configurationId: row.configuration_id,
    matchState: row.match_state as MatchState,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    completedAt: row.completed_at,
    disposition: row.disposition,
    notes: row.notes,
    customerId: row.customer_id,
  };
}

type LinkRow = Omit<InteractionRecordsTable, 'position' | 'activities' | 'role' | 'canonical' | 'display'> & {
  activities?: string;
  role?: string;
  canonical?: string;
  display?: string;
};

function toLink(row: LinkRow): InteractionRecordLink {
  const role = RECORD_ROLES.includes(row.role as RecordRole) ? (row.role as RecordRole) : 'other';
  return {
    role,
    typeLabel: row.type_label ?? undefined,
    canonical: row.canonical ? (JSON.parse(row.canonical) as CanonicalFields) : {},
    display: row.display ? (JSON.parse(row.display) as Record<string, string>) : {},
    interactionId: row.interaction_id,
    recordType: row.record_type,
    recordId: row.record_id,
    linked: row.linked === 1,
    origin: row.origin as RecordOrigin,
    label: row.label,
    fields: JSON.parse(row.snapshot) as Record<string, FieldValue>,
    activities: row.activities ? (JSON.parse(row.activities) as Array<{ subject: string; when: string }>) : [],
  };
}

/**
 * `acdContactId`: the ACD contact it handles, written with it (ContactConvergence finds it by that);
 * `lastNotice`: the outcome its first card shows, when it is known already (setLastNotice).
 */
export async function insertInteraction(db: Db, interaction: Interaction, { acdContactId, lastNotice }: { acdContactId?: string; lastNotice?: StoredNotice } = {}): Promise<void> {
  await db
    .insertInto('interactions')
    .values({
      id: interaction.id,
      agent_id: interaction.agentId,
      channel: interaction.channel,
      ani: interaction.ani,
      state: interaction.state,
      configuration_id: interaction.configurationId,
      match_state: interaction.matchState,
      started_at: interaction.startedAt,
      ended_at: interaction.endedAt,
      completed_at: interaction.completedAt,
      disposition: interaction.disposition,
      notes: interaction.notes,
      customer_id: interaction.customerId,
      card_activity_id: null,
      last_notice: lastNotice ? JSON.stringify(lastNotice) : null,
      ...(acdContactId && { acd_contact_id: acdContactId }),
    })
    .execute();
}

function interactionRow(db: Db, id: string): Promise<InteractionsTable | undefined> {
  return db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findInteraction(db: Db, id: string): Promise<Interaction | undefined> {
  const row = await interactionRow(db, id);
  return row ? toInteraction(row) : undefined;
}

/** The agent who handles an interaction, as its card shows them (see InteractionForCard). */
export type CardOwner = Pick<Agent, 'name' | 'teamsUserId' | 'timeZone'>;

/** An interaction with the outcome its card shows and its owner (absent if unknown): what drawing its card starts from. */
export interface InteractionForCard {
  interaction: Interaction;
  lastNotice: StoredNotice | undefined;
  owner?: CardOwner;
  /** The Teams message showing its card, once posted. */
  cardActivityId?: string;
  /** How many changes of its card were announced (card_revision): a card drawn from this read shows that revision. */
  cardRevision: number;
}

/** The interactions with their owner's name, Teams id and time zone beside each, in the same read. */
function withOwnerRows(db: Db) {
  return db
    .selectFrom('interactions as i')
    .leftJoin('agents as a', 'a.id', 'i.agent_id')
    .selectAll('i')
    .select(['a.id as owner_id', 'a.name as owner_name', 'a.teams_user_id as owner_teams_user_id', 'a.time_zone as owner_time_zone']);
}

/**
 * The interaction if it is this agent's: one lookup by id and owner, so an id that is someone else's and
 * an id that does not exist take the same query and give the same answer (nothing).
 */
export async function findInteractionOf(db: Db, agentId: string, id: string): Promise<InteractionForCard | undefined> {
  const row = await withOwnerRows(db).where('i.id', '=', id).where('i.agent_id', '=', agentId).executeTakeFirst();
  return row ? forCard(row) : undefined;
}

function forCard(row: InteractionsTable & { owner_id: string | null; owner_name: string | null; owner_teams_user_id: string | null; owner_time_zone?: string | null }): InteractionForCard {
  const { owner_id, owner_name, owner_teams_user_id, owner_time_zone, ...interaction } = row;
  return {
    interaction: toInteraction(interaction),
    lastNotice: row.last_notice ? (JSON.parse(row.last_notice) as StoredNotice) : undefined,
    ...(owner_id !== null && { owner: { name: owner_name ?? '', teamsUserId: owner_teams_user_id, timeZone: owner_time_zone ?? null } }),
    ...(row.card_activity_id && { cardActivityId: row.card_activity_id }),
    cardRevision: Number(row.card_revision ?? 0),
  };
}

/** The interaction, the outcome its card shows and its owner, in one read: what drawing the card starts from. */
export async function findInteractionWithNotice(db: Db, id: string): Promise<InteractionForCard | undefined> {
  const row = await withOwnerRows(db).where('i.id', '=', id).executeTakeFirst();
  return row ? forCard(row) : undefined;
}

type StoredNotice = { kind: 'info' | 'warning' | 'error'; text: string };

/** `lastNotice`: the outcome its card shows (setLastNotice), when it changes with the rest in one statement. */
type InteractionChange = Partial<Pick<Interaction, 'state' | 'matchState' | 'endedAt' | 'completedAt' | 'disposition' | 'notes'>> & { lastNotice?: StoredNotice };

/**
 * Applies a change only if the interaction is still in `expectedState`; returns false when another request
 * moved it first (a double click on Complete ACW, say), so callers never act twice on one transition.
 */
export async function updateInteraction(db: Db, id: string, expectedState: InteractionState, change: InteractionChange): Promise<boolean> {
  const result = await db
    .updateTable('interactions')
    .set({
      ...(change.state !== undefined && { state: change.state }),
      ...(change.matchState !== undefined && { match_state: change.matchState }),
      ...(change.endedAt !== undefined && { ended_at: change.endedAt }),
      ...(change.completedAt !== undefined && { completed_at: change.completedAt }),
      ...(change.disposition !== undefined && { disposition: change.disposition }),
      ...(change.notes !== undefined && { notes: change.notes }),
      ...(change.lastNotice !== undefined && { last_notice: JSON.stringify(change.lastNotice) }),
    })
    .where('id', '=', id)
    .where('state', '=', expectedState)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setLastNotice(db: Db, id: string, notice: { kind: string; text: string } | null): Promise<void> {
  await db
    .updateTable('interactions')
    .set({ last_notice: notice ? JSON.stringify(notice) : null })
    .where('id', '=', id)
    .execute();
}

export async function setRecordActivities(db: Db, interactionId: string, ref: RecordRef, activities: Array<{ subject: string; when: string }>): Promise<void> {
  await db
    .updateTable('interaction_records')
    .set({ activities: JSON.stringify(activities) })
    .where('interaction_id', '=', interactionId)
    .where('record_type', '=', ref.type)
    .where('record_id', '=', ref.id)
    .execute();
}

export async function findCardActivityId(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('interactions').select('card_activity_id').where('id', '=', id).executeTakeFirst();
  return row?.card_activity_id ?? undefined;
}

export async function listRecordLinks(db: Db, interactionId: string): Promise<InteractionRecordLink[]> {
  const rows = await db.selectFrom('interaction_records').selectAll().where('interaction_id', '=', interactionId).orderBy('position').execute();
  return rows.map(toLink);
}

export async function findRecordLink(db: Db, interactionId: string, ref: RecordRef): Promise<InteractionRecordLink | undefined> {
  const row = await db.selectFrom('interaction_records').selectAll().where('interaction_id', '=', interactionId).where('record_type', '=', ref.type).where('record_id', '=', ref.id).executeTakeFirst();
  return row ? toLink(row) : undefined;
}

/**
 * Adds records to an interaction's card. A record already there keeps its place and link state; only its
 * label and snapshot are refreshed (a newer read of the same record).
 */
export async function putRecordLinks(db: Db, links: InteractionRecordLink[]): Promise<void> {
  if (links.length === 0) return;
  const top = await db
    .selectFrom('interaction_records')
    .select((eb) => eb.fn.max<number>('position').as('p'))
    .where('interaction_id', '=', links[0]!.interactionId)
    .executeTakeFirst();
  let position = Number(top?.p ?? 0);
  for (const link of links) {
    position += 1;
    await db
      .insertInto('interaction_records')
      .values(recordRow(link, position))
      .onConflict((oc) => oc.columns(['interaction_id', 'record_type', 'record_id']).doUpdateSet({ label: link.label, snapshot: JSON.stringify(link.fields), ...snapshotOf(link) }))
      .execute();
  }
}

/**
 * The records of an interaction created in this turn, with their activities, in one insert per 100 (its card
 * holds nothing yet, so there is no place to keep and no row to refresh): what the call's data dip found.
 */
export async function putFirstRecordLinks(db: Db, links: InteractionRecordLink[]): Promise<void> {
  for (let start = 0; start < links.length; start += 100) {
    await db
      .insertInto('interaction_records')
      .values(links.slice(start, start + 100).map((link, i) => ({ ...recordRow(link, start + i + 1), activities: JSON.stringify(link.activities ?? []) })))
      .execute();
  }
}

/** A record's row on a card, at its place. */
function recordRow(link: InteractionRecordLink, position: number) {
  return {
    interaction_id: link.interactionId,
    record_type: link.recordType,
    record_id: link.recordId,
    linked: link.linked ? 1 : 0,
    origin: link.origin,
    label: link.label,
    snapshot: JSON.stringify(link.fields),
    position,
    ...snapshotOf(link),
  };
}

/** The canonical part of a link's snapshot, as stored (migration 014). */
function snapshotOf(link: InteractionRecordLink) {
  return {
    role: link.role ?? 'other',
    type_label: link.typeLabel ?? null,
    canonical: JSON.stringify(link.canonical ?? {}),
    display: JSON.stringify(link.display ?? {}),
  };
}

export async function setLinked(db: Db, interactionId: string, ref: RecordRef, linked: boolean): Promise<void> {
  await db
    .updateTable('interaction_records')
    .set({ linked: linked ? 1 : 0 })
    .where('interaction_id', '=', interactionId)
    .where('record_type', '=', ref.type)
    .where('record_id', '=', ref.id)
    .execute();
}

/** Records linked in the customer's earlier interactions (SPEC: Related Interactions). */
export async function recordsFromCustomerHistory(db: Db, customerId: string, excludeInteractionId: string, limit: number): Promise<Array<InteractionRecordLink & { startedAt: string }>> {
  const rows = await db
    .selectFrom('interactions as i')
    .innerJoin('interaction_records as r', 'r.interaction_id', 'i.id')
    .selectAll('r')
    .select('i.started_at')
    .where('i.customer_id', '=', customerId)
    .where('i.id', '!=', excludeInteractionId)
    .where('i.state', '=', 'completed')
    .where('r.linked', '=', 1)
    .orderBy('i.started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toLink(row), startedAt: row.started_at }));
}

/** Records linked in earlier interactions that also linked `ref` (SPEC: Related Interactions). */
export async function recordsFromEarlierInteractions(db: Db, ref: RecordRef, excludeInteractionId: string, limit: number): Promise<Array<InteractionRecordLink & { startedAt: string }>> {
  const rows = await db
    .selectFrom('interaction_records as mine')
    .innerJoin('interactions as i', 'i.id', 'mine.interaction_id')
    .innerJoin('interaction_records as other', 'other.interaction_id', 'mine.interaction_id')
    .selectAll('other')
    .select('i.started_at')
    .where('mine.record_type', '=', ref.type)
    .where('mine.record_id', '=', ref.id)
    .where('mine.linked', '=', 1)
    .where('other.linked', '=', 1)
    .where('i.id', '!=', excludeInteractionId)
    .where('i.state', '=', 'completed')
    .orderBy('i.started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...toLink(row), startedAt: row.started_at }));
}

/** The agent's open call: digital interactions (several at once, beside a call) are never it. */
export async function openInteractionOf(db: Db, agentId: string): Promise<Interaction | undefined> {
  const row = await db
    .selectFrom('interactions')
    .selectAll()
    .where('agent_id', '=', agentId)
    .where('channel', '=', 'voice')
    .where('state', '!=', 'completed')
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return row ? toInteraction(row) : undefined;
}
