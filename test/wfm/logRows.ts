import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/** An agent's state log as stored, by time then order of writing, without the row id and when it was recorded. */
export async function stateRows(db: Kysely<Database>, agentId: string) {
  const rows = await db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', agentId).orderBy('started_at').orderBy('id').execute();
  return rows.map(({ state, reason_code, started_at, interaction_id, source, event_key }) => ({ state, reason_code, started_at, interaction_id, source, event_key }));
}

/** A contact's steps as stored, by time then order of writing. */
export async function contactRows(db: Kysely<Database>, contactKey: string) {
  const rows = await db.selectFrom('contact_log').selectAll().where('contact_key', '=', contactKey).orderBy('at').orderBy('id').execute();
  return rows.map(({ kind, at, agent_id, skill, channel, source, event_key }) => ({ kind, at, agent_id, skill, channel, source, event_key }));
}

export async function logSizes(db: Kysely<Database>): Promise<{ states: number; steps: number }> {
  const count = async (table: 'agent_state_log' | 'contact_log') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { states: await count('agent_state_log'), steps: await count('contact_log') };
}
