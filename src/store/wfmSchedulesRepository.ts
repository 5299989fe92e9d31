import type { ScheduledActivity } from '../domain/wfm.js';
import type { Db } from './db.js';

/** The published schedule (wfm_schedules, migration 022): what each agent should be doing, from when to when. */

const INSERT_CHUNK = 500;
const LOOKUP_CHUNK = 500;

/** Every entry overlapping [from, to) (ISO instants), by agent and start. */
export async function scheduleBetween(db: Db, from: string, to: string): Promise<ScheduledActivity[]> {
  const rows = await db.selectFrom('wfm_schedules').selectAll().where('start_at', '<', to).where('end_at', '>', from).orderBy('agent_id').orderBy('start_at').orderBy('id').execute();
  return rows.map(toActivity);
}

/** One agent's entries overlapping [from, to), by start. */
export async function scheduleOfAgent(db: Db, agentId: string, from: string, to: string): Promise<ScheduledActivity[]> {
  const rows = await db.selectFrom('wfm_schedules').selectAll().where('agent_id', '=', agentId).where('start_at', '<', to).where('end_at', '>', from).orderBy('start_at').orderBy('id').execute();
  return rows.map(toActivity);
}

/**
 * Publishes one agent's lines: their entries overlapping [spanStart, spanEnd) go, the lines come in. Called in
 * the import's transaction, so readers see the old schedule or the new one, never a mix.
 */
export async function replaceSchedule(db: Db, agentId: string, spanStart: string, spanEnd: string, lines: readonly ScheduledActivity[], importedAt: string): Promise<void> {
  await db.deleteFrom('wfm_schedules').where('agent_id', '=', agentId).where('start_at', '<', spanEnd).where('end_at', '>', spanStart).execute();
  for (let at = 0; at < lines.length; at += INSERT_CHUNK) {
    const values = lines.slice(at, at + INSERT_CHUNK).map((line) => ({ agent_id: agentId, activity: line.activity, start_at: line.start, end_at: line.end, imported_at: importedAt }));
    await db.insertInto('wfm_schedules').values(values).execute();
  }
}

export interface ScheduleAgent {
  id: string;
  name: string;
  email: string | null;
}

/** The agents named by these Entra object ids or emails (as an ACD names them: the email as recorded, lower case). */
export async function agentsByRefs(db: Db, refs: readonly string[]): Promise<ScheduleAgent[]> {
  const found = new Map<string, ScheduleAgent>();
  const unique = [...new Set(refs.flatMap((ref) => [ref, ref.toLowerCase()]))];
  for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
    const chunk = unique.slice(at, at + LOOKUP_CHUNK);
    const rows = await db
      .selectFrom('agents')
      .select(['id', 'name', 'email'])
      .where((eb) => eb.or([eb('id', 'in', chunk), eb('email', 'in', chunk)]))
      .execute();
    for (const row of rows) found.set(row.id, { id: row.id, name: row.name, email: row.email ?? null });
  }
  return [...found.values()];
}

function toActivity(row: { agent_id: string; activity: string; start_at: string; end_at: string }): ScheduledActivity {
  return { agentId: row.agent_id, activity: row.activity, start: row.start_at, end: row.end_at };
}
