import type { Kysely } from 'kysely';

/** The jobs table as this migration knows it (the schema of its time, not of today). */
interface Tables {
  jobs: { id: number; idempotency_key: string; subject: string | null };
}

/** Rows read per step of the backfill, so a long job history is never held in memory at once. */
const PAGE = 1000;

// A job knows what it is about (its interaction), so that a card finds its ACW writes through an index
// instead of scanning every job ever queued for a key prefix.
export async function up(db: Kysely<Tables>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('subject', 'text').execute();
  await db.schema.createIndex('jobs_by_subject').on('jobs').column('subject').execute();
  // Jobs queued before: the key starts with "<interaction id>:". Split here, not in SQL, whose string
  // functions differ between SQLite and Postgres.
  for (let after = 0; ;) {
    const rows = await db.selectFrom('jobs').select(['id', 'idempotency_key']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) return;
    const idsBySubject = new Map<string, number[]>();
    for (const { id, idempotency_key: key } of rows) {
      const end = key.indexOf(':');
      if (end <= 0) continue;
      const subject = key.slice(0, end);
      idsBySubject.set(subject, [...(idsBySubject.get(subject) ?? []), id]);
    }
    for (const [subject, ids] of idsBySubject) await db.updateTable('jobs').set({ subject }).where('id', 'in', ids).execute();
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(db: Kysely<Tables>): Promise<void> {
  await db.schema.dropIndex('jobs_by_subject').ifExists().execute();
  await db.schema.alterTable('jobs').dropColumn('subject').execute();
}
