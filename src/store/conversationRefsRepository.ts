import type { Db } from './db.js';

/** Where to reach an agent outside a turn: the Teams conversation reference of their chat, as JSON. */
export async function saveConversationRef(db: Db, agentId: string, reference: unknown, now: string): Promise<void> {
  const json = JSON.stringify(reference);
  await db
    .insertInto('conversation_refs')
    .values({ agent_id: agentId, reference: json, updated_at: now })
    .onConflict((oc) => oc.column('agent_id').doUpdateSet({ reference: json, updated_at: now }))
    .execute();
}

export async function findConversationRef(db: Db, agentId: string): Promise<unknown | undefined> {
  const row = await db.selectFrom('conversation_refs').select('reference').where('agent_id', '=', agentId).executeTakeFirst();
  return row ? (JSON.parse(row.reference) as unknown) : undefined;
}
