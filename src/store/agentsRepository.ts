import type { Agent, AgentStateName } from '../domain/agentState.js';
import type { Db } from './db.js';
import { preparedQuery } from './preparedQuery.js';
import type { AgentsTable } from './schema.js';

function toAgent(row: AgentsTable): Agent {
  return {
    id: row.id,
    name: row.name,
    state: row.state as AgentStateName,
    reasonCode: row.reason_code,
    stateSince: row.state_since,
    currentInteractionId: row.current_interaction_id,
    teamsUserId: row.teams_user_id,
    timeZone: row.time_zone ?? null,
  };
}

/** Keeps the time zone the agent's client reported (validated by the caller); written only when it changed. */
export async function setAgentTimeZone(db: Db, id: string, timeZone: string): Promise<void> {
  await db
    .updateTable('agents')
    .set({ time_zone: timeZone })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('time_zone', 'is', null), eb('time_zone', '!=', timeZone)]))
    .execute();
}

// The hot statements of a call (prepared: preparedQuery.ts).
const agentById = preparedQuery<{ id: string }>()((db, value) => db.selectFrom('agents').selectAll().where('id', '=', value('id')));
const insertNewAgent = preparedQuery<{ id: string; name: string; now: string; teamsUserId: string | null }>()((db, value) =>
  db
    .insertInto('agents')
    .values({ id: value('id'), name: value('name'), state: 'Unavailable', reason_code: null, state_since: value('now'), current_interaction_id: null, teams_user_id: value('teamsUserId') })
    .onConflict((oc) => oc.column('id').doNothing()),
);
// Two queries: a Teams id once known is kept when a later contact does not say it.
const renameAgent = preparedQuery<{ id: string; name: string }>()((db, value) =>
  db
    .updateTable('agents')
    .set({ name: value('name') })
    .where('id', '=', value('id'))
    .returningAll(),
);
const renameTeamsAgent = preparedQuery<{ id: string; name: string; teamsUserId: string }>()((db, value) =>
  db
    .updateTable('agents')
    .set({ name: value('name'), teams_user_id: value('teamsUserId') })
    .where('id', '=', value('id'))
    .returningAll(),
);
const moveStateFrom = preparedQuery<{ id: string; from: AgentStateName; state: AgentStateName; reasonCode: string | null; since: string; currentInteractionId: string | null }>()((db, value) =>
  db
    .updateTable('agents')
    .set({ state: value('state'), reason_code: value('reasonCode'), state_since: value('since'), current_interaction_id: value('currentInteractionId') })
    .where('id', '=', value('id'))
    .where('state', '=', value('from'))
    .returningAll(),
);

const contactById = preparedQuery<{ id: string }>()((db, value) =>
  db.selectFrom('agents as a').leftJoin('conversation_refs as r', 'r.agent_id', 'a.id').select(['a.name', 'a.teams_user_id', 'r.reference']).where('a.id', '=', value('id')),
);

/** What is stored of how to reach a known agent: their name, Teams id and chat's conversation reference (JSON). */
export async function findAgentContact(db: Db, id: string): Promise<{ name: string; teamsUserId: string | null; reference: string | null } | undefined> {
  const row = await contactById.first(db, { id });
  return row ? { name: row.name, teamsUserId: row.teams_user_id, reference: row.reference } : undefined;
}

export async function findAgent(db: Db, id: string): Promise<Agent | undefined> {
  const row = await agentById.first(db, { id });
  return row ? toAgent(row) : undefined;
}

/**
 * Creates the agent on first contact (Unavailable until they say otherwise), `isNew` then (their first state
 * is to be logged); refreshes name and Teams id. Two statements either way: the insert, then the read or the update.
 */
export async function upsertAgent(db: Db, id: string, name: string, now: string, teamsUserId: string | null = null): Promise<Agent & { isNew?: true }> {
  if ((await insertNewAgent.changed(db, { id, name, now, teamsUserId })) === 1) return { ...(await findAgent(db, id))!, isNew: true };
  const row = teamsUserId ? await renameTeamsAgent.first(db, { id, name, teamsUserId }) : await renameAgent.first(db, { id, name });
  if (!row) throw new Error(`agent ${id} was not there to refresh`);
  return toAgent(row);
}

export async function setAgentState(db: Db, id: string, change: { state: AgentStateName; reasonCode: string | null; since: string; currentInteractionId: string | null }): Promise<void> {
  await db
    .updateTable('agents')
    .set({
      state: change.state,
      reason_code: change.reasonCode,
      state_since: change.since,
      current_interaction_id: change.currentInteractionId,
    })
    .where('id', '=', id)
    .execute();
}

export async function listAgents(db: Db): Promise<Agent[]> {
  const rows = await db.selectFrom('agents').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toAgent);
}

/**
 * Moves an agent between states only if they are still in `from`: two calls routed at once cannot both
 * take the same Available agent. Returns the agent as moved (the caller need not read them again), or
 * undefined when they were no longer in `from`.
 */
export async function moveAgentState(
  db: Db,
  id: string,
  from: AgentStateName,
  change: { state: AgentStateName; reasonCode: string | null; since: string; currentInteractionId: string | null },
): Promise<Agent | undefined> {
  const row = await moveStateFrom.first(db, { id, from, ...change });
  return row ? toAgent(row) : undefined;
}
