import type { Channel, Interaction, InteractionState, MatchState } from '../domain/interaction.js';
import type { Agent } from '../domain/agentState.js';
import type { Db } from './db.js';
import { preparedQuery, preparedShapes } from './preparedQuery.js';
import type { InteractionsTable } from './schema.js';

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

/**
 * `acdContactId`: the ACD contact it handles, written with it (ContactConvergence finds it by that);
 * `lastNotice`: the outcome its first card shows, when it is known already (setLastNotice).
 */
export async function insertInteraction(db: Db, interaction: Interaction, { acdContactId, lastNotice }: { acdContactId?: string; lastNotice?: StoredNotice } = {}): Promise<void> {
  const i = interaction;
  await insertRow.run(db, {
    id: i.id,
    agent_id: i.agentId,
    channel: i.channel,
    ani: i.ani,
    state: i.state,
    configuration_id: i.configurationId,
    match_state: i.matchState,
    started_at: i.startedAt,
    ended_at: i.endedAt,
    completed_at: i.completedAt,
    disposition: i.disposition,
    notes: i.notes,
    customer_id: i.customerId,
    card_activity_id: null,
    last_notice: lastNotice ? JSON.stringify(lastNotice) : null,
    acd_contact_id: acdContactId ?? null,
  });
}

type InsertedRow = Omit<InteractionsTable, 'card_revision' | 'card_sent_revision' | 'card_sending_by' | 'card_sending_until' | 'card_changed_at'> & { acd_contact_id: string | null };
const INSERTED_COLUMNS = [
  'id',
  'agent_id',
  'channel',
  'ani',
  'state',
  'configuration_id',
  'match_state',
  'started_at',
  'ended_at',
  'completed_at',
  'disposition',
  'notes',
  'customer_id',
  'card_activity_id',
  'last_notice',
  'acd_contact_id',
] as const satisfies ReadonlyArray<keyof InsertedRow>;

// Prepared (preparedQuery.ts): every call and contact writes and reads its interaction.
const insertRow = preparedQuery<InsertedRow>()((db, value) => db.insertInto('interactions').values(value.row(INSERTED_COLUMNS)));
const rowById = preparedQuery<{ id: string }>()((db, value) => db.selectFrom('interactions').selectAll().where('id', '=', value('id')));
const forCardById = preparedQuery<{ id: string }>()((db, value) => withOwnerRows(db).where('i.id', '=', value('id')));
const forCardOfAgent = preparedQuery<{ id: string; agentId: string }>()((db, value) => withOwnerRows(db).where('i.id', '=', value('id')).where('i.agent_id', '=', value('agentId')));
// Read through the partial index of open interactions (migration 029), by agent, newest first.
const openCallOf = preparedQuery<{ agentId: string }>()((db, value) =>
  db.selectFrom('interactions').selectAll().where('agent_id', '=', value('agentId')).where('channel', '=', 'voice').where('state', '!=', 'completed').orderBy('started_at', 'desc'),
);
const noticeById = preparedQuery<{ id: string; notice: string | null }>()((db, value) =>
  db
    .updateTable('interactions')
    .set({ last_notice: value('notice') })
    .where('id', '=', value('id')),
);

function interactionRow(db: Db, id: string): Promise<InteractionsTable | undefined> {
  return rowById.first(db, { id });
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
  const row = await forCardOfAgent.first(db, { id, agentId });
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
  const row = await forCardById.first(db, { id });
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
  const set: ChangedColumns = {
    ...(change.state !== undefined && { state: change.state }),
    ...(change.matchState !== undefined && { match_state: change.matchState }),
    ...(change.endedAt !== undefined && { ended_at: change.endedAt }),
    ...(change.completedAt !== undefined && { completed_at: change.completedAt }),
    ...(change.disposition !== undefined && { disposition: change.disposition }),
    ...(change.notes !== undefined && { notes: change.notes }),
    ...(change.lastNotice !== undefined && { last_notice: JSON.stringify(change.lastNotice) }),
  };
  const columns = Object.keys(set) as Array<keyof ChangedColumns>;
  return (await updateSetting(columns).changed(db, { ...set, id, expectedState })) === 1;
}

type ChangedColumns = Partial<Pick<InteractionsTable, 'state' | 'match_state' | 'ended_at' | 'completed_at' | 'disposition' | 'notes' | 'last_notice'>>;

// Prepared per set of columns changed (preparedQuery.ts): a call's answer, end and ACW each change its interaction.
const updateSetting = preparedShapes(
  (columns: ReadonlyArray<keyof ChangedColumns>) => columns.join(),
  (columns) =>
    preparedQuery<ChangedColumns & { id: string; expectedState: InteractionState }>()((db, value) =>
      db.updateTable('interactions').set(value.row(columns)).where('id', '=', value('id')).where('state', '=', value('expectedState')),
    ),
);

export async function setLastNotice(db: Db, id: string, notice: { kind: string; text: string } | null): Promise<void> {
  await noticeById.run(db, { id, notice: notice ? JSON.stringify(notice) : null });
}

export async function findCardActivityId(db: Db, id: string): Promise<string | undefined> {
  const row = await cardActivityIdOf.first(db, { id });
  return row?.card_activity_id ?? undefined;
}

// Every card update looks up the message it replaces.
const cardActivityIdOf = preparedQuery<{ id: string }>()((db, value) => db.selectFrom('interactions').select('card_activity_id').where('id', '=', value('id')));

/** The agent's open call: digital interactions (several at once, beside a call) are never it. */
/**
 * The interactions handling an ACD contact, newest first (a transfer makes one per agent), whole: the steps
 * that converge the contact move them without reading them again.
 */
export async function interactionsOfAcdContact(db: Db, contactId: string): Promise<Interaction[]> {
  return (await interactionsByContact.rows(db, { contactId })).map(toInteraction);
}
const interactionsByContact = preparedQuery<{ contactId: string }>()((db, value) =>
  db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', value('contactId')).orderBy('started_at', 'desc'),
);

export async function openInteractionOf(db: Db, agentId: string): Promise<Interaction | undefined> {
  const row = await openCallOf.first(db, { agentId });
  return row ? toInteraction(row) : undefined;
}
