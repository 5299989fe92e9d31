import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/** An agent as stored, Working since `since`: for store tests that need one to hang rows on. */
export async function addAgent(db: Kysely<Database>, id: string, since: string): Promise<void> {
  await db
    .insertInto('agents')
    .values({ id, name: `Agent ${id}`, state: 'Working', reason_code: null, state_since: since, current_interaction_id: null, teams_user_id: null, email: null })
    .execute();
}

/** Interactions of one agent as stored (a voice call unless said otherwise), in INSERTs of 200 rows. */
export async function addInteractions(
  db: Kysely<Database>,
  agentId: string,
  rows: ReadonlyArray<{ id: string; startedAt: string; channel?: string; state?: string; acdContactId?: string }>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    await db
      .insertInto('interactions')
      .values(
        rows.slice(start, start + 200).map((row) => ({
          id: row.id,
          agent_id: agentId,
          channel: row.channel ?? 'voice',
          ani: '+12065550142',
          state: row.state ?? 'completed',
          configuration_id: 'default',
          match_state: 'none',
          started_at: row.startedAt,
          ended_at: null,
          completed_at: null,
          disposition: null,
          notes: null,
          card_activity_id: null,
          customer_id: null,
          last_notice: null,
          acd_contact_id: row.acdContactId ?? null,
        })),
      )
      .execute();
  }
}
