import type { Kysely } from 'kysely';

/** The jobs table as this migration knows it (the schema of its time, not of today). */
interface Tables {
  jobs: {
    id: number;
    payload: string;
    configuration_id: string | null;
    workflow_id: string | null;
    record_type: string | null;
    record_id: string | null;
    agent_id: string | null;
  };
}

/** Rows read per step of the backfill, so a long job history is never held in memory at once. */
const PAGE = 1000;

const COLUMNS = ['configuration_id', 'workflow_id', 'record_type', 'record_id', 'agent_id'] as const;

// A job's row says what the job is in columns of its own: the Workflow Execute request it runs (its
// configuration and workflow; payload becomes the workflow's own JSON payload, no longer wrapped in a
// second JSON text), the record it writes and the agent it writes for. Nothing parses the idempotency key
// or the payload to learn them. Columns stay nullable: a row whose old payload cannot be read keeps it as
// it was, and the worker ends it as unreadable, as it did before.
export async function up(db: Kysely<Tables>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('jobs').addColumn(column, 'text').execute();
  // Split here, not in SQL, whose JSON functions differ between SQLite and Postgres.
  for (let after = 0; ;) {
    const rows = await db.selectFrom('jobs').select(['id', 'payload']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const columns = columnsOf(row.payload);
      if (columns) await db.updateTable('jobs').set(columns).where('id', '=', row.id).execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * A job's columns from its payload as jobs of the time before carry it: {configurationId, workflowId,
 * payload: '{"workflowInput": {regarding, agent, ...}}'}. Written out here, not imported, so that this
 * migration reads what it was written for whatever later code does.
 */
function columnsOf(text: string): Omit<Tables['jobs'], 'id'> | undefined {
  try {
    const job: unknown = JSON.parse(text);
    if (!isObject(job) || typeof job.configurationId !== 'string' || typeof job.workflowId !== 'string' || typeof job.payload !== 'string') return undefined;
    const parsed: unknown = JSON.parse(job.payload);
    const input = isObject(parsed) && isObject(parsed.workflowInput) ? parsed.workflowInput : {};
    const regarding = isObject(input.regarding) ? input.regarding : {};
    const agent = isObject(input.agent) ? input.agent : {};
    return {
      payload: job.payload,
      configuration_id: job.configurationId,
      workflow_id: job.workflowId,
      record_type: typeof regarding.entity === 'string' ? regarding.entity : null,
      record_id: typeof regarding.id === 'string' ? regarding.id : null,
      agent_id: typeof agent.id === 'string' ? agent.id : null,
    };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Back to the payload that wraps the request: what the code before this migration reads. */
export async function down(db: Kysely<Tables>): Promise<void> {
  for (let after = 0; ;) {
    const rows = await db.selectFrom('jobs').select(['id', 'payload', 'configuration_id', 'workflow_id']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.configuration_id === null || row.workflow_id === null) continue;
      const payload = JSON.stringify({ configurationId: row.configuration_id, workflowId: row.workflow_id, payload: row.payload });
      await db.updateTable('jobs').set({ payload }).where('id', '=', row.id).execute();
    }
    after = rows[rows.length - 1]!.id;
  }
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('jobs').dropColumn(column).execute();
}
