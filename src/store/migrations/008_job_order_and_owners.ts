import { sql, type Kysely } from 'kysely';

/** The jobs table as this migration knows it (the schema of its time, not of today). */
interface Tables {
  jobs: { id: number; kind: string; payload: string; status: string; record_key: string | null; interaction_at: string | null };
}

/** Rows read per step of the backfill, so a long job history is never held in memory at once. */
const PAGE = 1000;

// Memorialization is ordered by its interaction's time: a job knows the record it writes and when its
// interaction was, so that jobs of one record never run at once (one running per record, enforced by a
// unique index) and an older one finds a newer one already done. A claim is owned: only the worker holding
// the lease can extend it or end the job.
export async function up(db: Kysely<Tables>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('record_key', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('interaction_at', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
  await sql`CREATE UNIQUE INDEX jobs_one_running_per_record ON jobs (record_key) WHERE status = 'running'`.execute(db);
  await db.schema.createIndex('jobs_by_record').on('jobs').columns(['record_key', 'interaction_at']).execute();
  // Memorialization jobs queued before: their record and time are in their payload. Two of one record may
  // be running now (the old worker ran them at once): the second stays unordered, so the index holds.
  const running = new Set<string>();
  for (let after = 0; ;) {
    const rows = await db.selectFrom('jobs').select(['id', 'payload', 'status']).where('id', '>', after).where('kind', '=', 'memorialization').orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const order = writeOrderOf(row.payload);
      if (order && row.status === 'running' && running.has(order.recordKey)) continue;
      if (order && row.status === 'running') running.add(order.recordKey);
      if (order) await db.updateTable('jobs').set({ record_key: order.recordKey, interaction_at: order.at }).where('id', '=', row.id).execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * A memorialization job's record and interaction time, as jobs of this time carry them: {configurationId,
 * payload: '{"workflowInput": {regarding, interaction}}'}. Written out here, not imported, so that this
 * migration reads what it was written for whatever later code does.
 */
function writeOrderOf(payload: string): { recordKey: string; at: string } | undefined {
  try {
    const job = JSON.parse(payload) as { configurationId?: unknown; payload?: unknown };
    const input = (JSON.parse(String(job.payload)) as { workflowInput?: { regarding?: { entity?: unknown; id?: unknown }; interaction?: { startedAt?: unknown; endedAt?: unknown } } }).workflowInput;
    const { entity, id } = input?.regarding ?? {};
    const at = new Date(String(input?.interaction?.endedAt ?? input?.interaction?.startedAt));
    if (typeof job.configurationId !== 'string' || typeof entity !== 'string' || typeof id !== 'string' || Number.isNaN(at.getTime())) return undefined;
    return { recordKey: `${job.configurationId}:${entity}:${id}`, at: at.toISOString() };
  } catch {
    return undefined;
  }
}

export async function down(db: Kysely<Tables>): Promise<void> {
  await db.schema.dropIndex('jobs_by_record').ifExists().execute();
  await db.schema.dropIndex('jobs_one_running_per_record').ifExists().execute();
  await db.schema.alterTable('jobs').dropColumn('lease_owner').execute();
  await db.schema.alterTable('jobs').dropColumn('interaction_at').execute();
  await db.schema.alterTable('jobs').dropColumn('record_key').execute();
}
