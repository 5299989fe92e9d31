import type { Db } from './db.js';
import { preparedQuery, preparedShapes } from './preparedQuery.js';
import type { AcdAgentStatesTable, AcdContactsTable } from './schema.js';

/**
 * Records event keys in one statement; returns those recorded now (the others were recorded before: a
 * retry; a key twice in `events` is recorded once).
 */
export async function recordAcdEvents(db: Db, events: ReadonlyArray<{ key: string; type: string; at: string }>, now: string): Promise<Set<string>> {
  if (!events.length) return new Set();
  const rows = await insertEvents(events.length).rows(db, { keys: events.map((e) => e.key), types: events.map((e) => e.type), ats: events.map((e) => e.at), now });
  return new Set(rows.map((r) => r.key));
}

// Prepared per number of events (preparedQuery.ts): every request to the events API records its events.
const insertEvents = preparedShapes(String, (count: number) =>
  preparedQuery<{ keys: string[]; types: string[]; ats: string[]; now: string }>()((db, value) => {
    const [types, ats] = [value.list('types', count), value.list('ats', count)];
    return db
      .insertInto('acd_events')
      .values(value.list('keys', count).map((key, i) => ({ key, type: types[i]!, at: ats[i]!, received_at: value('now') })))
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key');
  }),
);

/** A contact's truth as its events say it (`placed` is the app's own: whether an interaction handles it). */
export type AcdContactRow = Omit<AcdContactsTable, 'placed'>;

const ACD_CONTACT_COLUMNS = ['contact_id', 'source', 'agent_id', 'agent_at', 'phase', 'phase_at', 'channel', 'ani', 'dnis', 'skill', 'disposition', 'notes'] as const satisfies ReadonlyArray<
  keyof AcdContactRow
>;

// Prepared (preparedQuery.ts): each event of a contact reads and writes its row.
const contactById = preparedQuery<{ contactId: string }>()((db, value) => db.selectFrom('acd_contacts').select(ACD_CONTACT_COLUMNS).where('contact_id', '=', value('contactId')));
const upsertContact = preparedQuery<AcdContactRow>()((db, value) => {
  const { contact_id: _id, ...rest } = value.row(ACD_CONTACT_COLUMNS);
  return db
    .insertInto('acd_contacts')
    .values(value.row(ACD_CONTACT_COLUMNS))
    .onConflict((oc) => oc.column('contact_id').doUpdateSet(rest));
});
// Every event's agent is looked up before it is applied.
const agentIdById = preparedQuery<{ id: string }>()((db, value) => db.selectFrom('agents').select('id').where('id', '=', value('id')));
const agentIdByEmail = preparedQuery<{ email: string }>()((db, value) => db.selectFrom('agents').select('id').where('email', '=', value('email')));
const insertContactIfNew = preparedQuery<AcdContactRow>()((db, value) =>
  db
    .insertInto('acd_contacts')
    .values(value.row(ACD_CONTACT_COLUMNS))
    .onConflict((oc) => oc.column('contact_id').doNothing()),
);
const agentStateById = preparedQuery<{ agentId: string }>()((db, value) => db.selectFrom('acd_agent_states').selectAll().where('agent_id', '=', value('agentId')));

export async function findAcdContact(db: Db, contactId: string): Promise<AcdContactRow | undefined> {
  return contactById.first(db, { contactId });
}

export async function putAcdContact(db: Db, row: AcdContactRow): Promise<void> {
  await upsertContact.run(db, row);
}

/** Writes a contact not seen before; false (nothing written) when its row is there already. */
export async function insertNewAcdContact(db: Db, row: AcdContactRow): Promise<boolean> {
  return (await insertContactIfNew.changed(db, row)) === 1;
}

/**
 * An agent's contacts that have no interaction yet (waiting for the agent to be free), oldest offer first: read
 * through the partial index of the contacts not placed (migration 028), whatever the agent's history.
 */
export async function waitingContactsOf(db: Db, agentId: string): Promise<AcdContactRow[]> {
  return waitingOfAgent.rows(db, { agentId });
}

/** Marks a contact as handled by an interaction: written with the interaction, it is no longer waiting. */
export async function markContactPlaced(db: Db, contactId: string): Promise<void> {
  await contactPlaced.run(db, { contactId });
}

// Its conditions are those of the partial index (placed = 0, phase <> 'abandoned'): both databases read through it.
// An interaction is looked for as well: a contact counts as placed only once one handles it.
const waitingOfAgent = preparedQuery<{ agentId: string }>()((db, value) =>
  db
    .selectFrom('acd_contacts')
    .select(ACD_CONTACT_COLUMNS)
    .where('agent_id', '=', value('agentId'))
    .where('placed', '=', 0)
    .where('phase', '!=', 'abandoned')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('interactions').select('id').whereRef('interactions.acd_contact_id', '=', 'acd_contacts.contact_id'))))
    .orderBy('agent_at')
    .limit(20),
);
const contactPlaced = preparedQuery<{ contactId: string }>()((db, value) => db.updateTable('acd_contacts').set({ placed: 1 }).where('contact_id', '=', value('contactId')).where('placed', '=', 0));

export async function findAcdAgentState(db: Db, agentId: string): Promise<AcdAgentStatesTable | undefined> {
  return agentStateById.first(db, { agentId });
}

/** Keeps an agent's state as the ACD said it, unless a later one is kept already; true when this one is the latest. */
export async function putAcdAgentState(db: Db, row: AcdAgentStatesTable): Promise<boolean> {
  const known = await findAcdAgentState(db, row.agent_id);
  if (known && known.at >= row.at) return false;
  await db
    .insertInto('acd_agent_states')
    .values(row)
    .onConflict((oc) => oc.column('agent_id').doUpdateSet({ state: row.state, reason_code: row.reason_code, at: row.at }))
    .execute();
  return true;
}

/** The ACD contact an interaction was handled for, if it came from an ACD. */
export async function contactIdOfInteraction(db: Db, interactionId: string): Promise<string | undefined> {
  const row = await contactIdOf.first(db, { interactionId });
  return row?.acd_contact_id ?? undefined;
}

// Every completed contact's ACW is told to its ACD by it.
const contactIdOf = preparedQuery<{ interactionId: string }>()((db, value) => db.selectFrom('interactions').select('acd_contact_id').where('id', '=', value('interactionId')));

/** The agent an ACD names: by Entra object id (our agent id), or by the email recorded for them. */
export async function findAgentIdByRef(db: Db, ref: { aadObjectId: string } | { email: string }): Promise<string | undefined> {
  const row = 'aadObjectId' in ref ? await agentIdById.first(db, { id: ref.aadObjectId }) : await agentIdByEmail.first(db, { email: ref.email.toLowerCase() });
  return row?.id;
}

/** Marks a contact's ACW completed here (told to its ACD), unless its events already took it there or ended it. */
export async function markAcwCompleted(db: Db, contactId: string, at: string): Promise<void> {
  await db.updateTable('acd_contacts').set({ phase: 'acwCompleted', phase_at: at }).where('contact_id', '=', contactId).where('phase', 'not in', ['acwCompleted', 'abandoned']).execute();
}

export async function putWorkerSid(db: Db, agentId: string, workerSid: string, now: string): Promise<void> {
  await db
    .insertInto('acd_workers')
    .values({ agent_id: agentId, worker_sid: workerSid, updated_at: now })
    .onConflict((oc) => oc.column('agent_id').doUpdateSet({ worker_sid: workerSid, updated_at: now }))
    .execute();
}

export async function findWorkerSid(db: Db, agentId: string): Promise<string | undefined> {
  return (await db.selectFrom('acd_workers').select('worker_sid').where('agent_id', '=', agentId).executeTakeFirst())?.worker_sid;
}
