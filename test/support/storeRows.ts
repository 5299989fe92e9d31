import type { Kysely } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import type { AcdContactRow } from '../../src/store/acdRepository.js';
import type { Database } from '../../src/store/schema.js';
import type { StoreBackend, TestStore } from './stores.js';

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

const DAY_START = Date.parse('2026-12-07T09:00:00.000Z');

/** A time `minutes` after the start of these tests' day, as stored. */
export const at = (minutes: number): string => new Date(DAY_START + minutes * 60_000).toISOString();

/** The agent the store tests' rows belong to. */
export const AGENT = 'agent-1';

/** Within a describe block: a fresh store of `backend` holding AGENT, before each test; disposed of after it. */
export function useStoreWithAgent(backend: StoreBackend): { store: TestStore } {
  const running = {} as { store: TestStore };
  beforeEach(async () => {
    running.store = await backend.open();
    await addAgent(running.store.db, AGENT, at(0));
  });
  afterEach(async () => {
    await running.store.dispose();
  });
  return running;
}

/** An ACD contact of AGENT as its events leave it, offered `minutes` into the day. */
export function acdContact(id: string, minutes: number, phase = 'offered', skill: string | null = null): AcdContactRow {
  return { contact_id: id, source: 'acd', agent_id: AGENT, agent_at: at(minutes), phase, phase_at: at(minutes), channel: 'voice', ani: null, dnis: null, skill, disposition: null, notes: null };
}
